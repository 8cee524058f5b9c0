// The personal-lines table: Enter (or Ctrl+Enter) saves the card's line and moves to the next card without one.
// Each row is a plain form that also works without this script (the page then reloads at the next card).
(function () {
  "use strict";

  var table = document.getElementById("personal-lines");
  if (!table) { return; }

  function announce(text) {
    var status = document.getElementById("personal-status");
    if (status) { status.textContent = text; }
  }

  function focusLine(id) {
    var box = document.getElementById("personal-line-" + id);
    if (!box) { return false; }
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
    box.scrollIntoView({ block: "center" });
    return true;
  }

  function firstEmpty() {
    var row = table.querySelector("tr.js-personal-row[data-empty='1'] .js-personal-line");
    return row ? row.id.replace("personal-line-", "") : null;
  }

  // On arrival: the card named in the address (#line-12), else the first one without a line.
  var wanted = (window.location.hash.match(/^#line-(\d+)$/) || [])[1];
  if (!(wanted && focusLine(wanted))) {
    var first = firstEmpty();
    if (first) { focusLine(first); }
  }

  table.addEventListener("keydown", function (event) {
    var box = event.target;
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || !box.form) { return; }
    if (!box.classList.contains("js-personal-line") && !box.classList.contains("js-personal-ps")) { return; }
    event.preventDefault();
    box.form.requestSubmit();
  });

  // A refused line comes back with status 422 and its message: show it in place of the row.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var row = event.detail.elt;
    if (row && row.classList && row.classList.contains("table-danger")) {
      focusLine(row.dataset.id);
      announce("Not saved.");
    }
  });

  document.body.addEventListener("personal-saved", function (event) {
    var detail = event.detail || {};
    var counts = document.querySelector("#personal-counts strong");
    if (counts && typeof detail.empty === "number") { counts.textContent = detail.empty; }
    if (!detail.next) {
      announce("Saved. Every card still to pitch has its personal line.");
      return;
    }
    announce("Saved.");
    if (!focusLine(detail.next) && detail.url) { window.location.href = detail.url; }
  });
})();

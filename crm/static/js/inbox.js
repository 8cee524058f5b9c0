// Inbox: keyboard shortcuts (j/k next/previous thread, r reply, e done, u back to the list, ? help) and
// inserting saved snippets into the answer. No inline script is allowed by the Content-Security-Policy.
(function () {
  "use strict";

  var help = document.getElementById("shortcut-help");
  var rows = Array.prototype.slice.call(document.querySelectorAll(".js-thread-row"));
  var current = -1;
  if (help && window.location.hash !== "#shortcut-help") { help.classList.add("d-none"); }

  function toggleHelp() {
    if (!help) { return; }
    help.classList.toggle("d-none");
    if (!help.classList.contains("d-none")) { help.focus(); }
  }

  function moveTo(index) {
    if (!rows.length) { return; }
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach(function (row, i) { row.classList.toggle("is-current", i === current); });
    rows[current].focus();
  }

  function typing(target) {
    var name = target && target.tagName;
    return name === "INPUT" || name === "TEXTAREA" || name === "SELECT" || (target && target.isContentEditable);
  }

  function act(element) {
    if (element.tagName === "TEXTAREA") {
      element.focus();
      element.setSelectionRange(0, 0);  // the answer goes above the quoted message
      element.scrollIntoView({block: "center"});
    } else if (element.tagName === "A") {
      window.location.assign(element.href);
    } else {
      element.click();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      if (event.key === "Escape" && typing(event.target)) { event.target.blur(); }
      return;
    }
    var key = event.key;
    if (key === "?") { event.preventDefault(); toggleHelp(); return; }
    if (rows.length && (key === "j" || key === "k")) {  // the list: move along the threads; Enter opens one
      event.preventDefault();
      moveTo(current + (key === "j" ? 1 : -1));
      return;
    }
    var target = document.querySelector('[data-shortcut="' + key + '"]');
    if (target && key !== "?") { event.preventDefault(); act(target); }
  });

  document.querySelectorAll('a[data-shortcut="?"]').forEach(function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); toggleHelp(); });
  });

  var body = document.getElementById("body");
  var pick = document.getElementById("snippet-pick");
  document.querySelectorAll(".js-insert-snippet").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = pick && document.getElementById("snippet-" + pick.value);
      if (!body || !source) { return; }
      var text = source.content ? source.content.textContent : source.textContent;
      var start = body.selectionStart || 0;
      var end = body.selectionEnd || 0;
      body.value = body.value.slice(0, start) + text + body.value.slice(end);
      body.focus();
      body.setSelectionRange(start + text.length, start + text.length);
    });
  });
})();

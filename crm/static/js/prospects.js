// Sites pages: select-all and the selection count, action-specific fields, confirmations, busy uploads.
(function () {
  "use strict";

  var form = document.getElementById("bulk-form");
  if (form) {
    var boxes = form.querySelectorAll("input.site-check");
    var all = document.getElementById("select-all");
    var scope = document.getElementById("bulk-scope");
    var note = document.getElementById("bulk-selected");
    var action = document.getElementById("bulk-action");

    var refresh = function () {
      var ticked = form.querySelectorAll("input.site-check:checked").length;
      if (note) {
        note.textContent = scope && scope.checked ? "Acting on every matching site."
          : ticked ? ticked + " site(s) selected." : "Tick sites to act on them.";
      }
      if (all) {
        all.checked = ticked > 0 && ticked === boxes.length;
        all.indeterminate = ticked > 0 && ticked < boxes.length;
      }
    };
    var showFields = function () {
      var chosen = action ? action.value : "";
      form.querySelectorAll(".bulk-field").forEach(function (el) {
        el.classList.toggle("d-none", (el.dataset.for || "").split(" ").indexOf(chosen) < 0);
      });
    };

    if (all) {
      all.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = all.checked; });
        refresh();
      });
    }
    boxes.forEach(function (box) { box.addEventListener("change", refresh); });
    if (scope) { scope.addEventListener("change", refresh); }
    if (action) { action.addEventListener("change", showFields); }
    showFields();
    refresh();

    form.addEventListener("submit", function (event) {
      if (scope && scope.checked && event.submitter && !event.submitter.getAttribute("formaction")) {
        var message = "Apply this to every site matching the filters?";
        if (!window.confirm(message)) { event.preventDefault(); }
      }
    });
  }

  // Uploads and previews of big files take a few seconds: say so and stop a second click.
  document.querySelectorAll("form.js-busy").forEach(function (busy) {
    busy.addEventListener("submit", function () {
      var button = busy.querySelector("button[type=submit]");
      var hint = busy.querySelector(".busy-note");
      if (hint) { hint.classList.remove("d-none"); }
      if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
})();

// Outreach pages: insert merge fields into the template body at the cursor. No inline script is allowed.
(function () {
  "use strict";

  var body = document.getElementById("body");
  document.querySelectorAll(".js-insert-field").forEach(function (button) {
    button.addEventListener("click", function () {
      if (!body) { return; }
      var text = "{{ " + button.dataset.field + " }}";
      var start = body.selectionStart || 0;
      var end = body.selectionEnd || 0;
      body.value = body.value.slice(0, start) + text + body.value.slice(end);
      body.focus();
      body.setSelectionRange(start + text.length, start + text.length);
    });
  });
})();

// Small behaviours shared by every page; no inline script is allowed by the Content-Security-Policy.
(function () {
  "use strict";

  // Forms marked js-autosubmit submit when a select changes (the workspace switcher).
  document.querySelectorAll("form.js-autosubmit select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.requestSubmit(); });
  });
  document.querySelectorAll(".js-hide-when-scripted").forEach(function (el) { el.classList.add("d-none"); });

  // Forms marked js-confirm ask first (deletes, removals).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList && form.classList.contains("js-confirm") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // htmx requests carry the CSRF token from the page's meta tag or any form on the page.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var input = document.querySelector("input[name=csrf_token]");
    if (input) { event.detail.headers["X-CSRFToken"] = input.value; }
  });
})();

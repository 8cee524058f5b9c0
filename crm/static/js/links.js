// Backlink pages: select all rows for bulk verification, and show the self-created kind only when it applies.
(function () {
  "use strict";

  var all = document.querySelector(".js-select-all");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll(".js-select-one").forEach(function (box) { box.checked = all.checked; });
    });
  }

  var acquisition = document.getElementById("acquisition");
  var kind = document.getElementById("self_kind");
  if (acquisition && kind) {
    var wrapper = kind.closest(".mb-3");
    var sync = function () { wrapper.classList.toggle("d-none", acquisition.value !== "self_created"); };
    acquisition.addEventListener("change", sync);
    sync();
  }
})();

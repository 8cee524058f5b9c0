// The campaign board: drag a card to another column (or place it within one) and the move is saved at once.
// Every card also has a stage select and a Move button in a plain form, so nothing here is required.
(function () {
  "use strict";

  function token() {
    var input = document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function announce(text, failed) {
    var status = document.getElementById("board-status");
    if (status) { status.textContent = text; }
    if (failed) { window.alert(text); }
  }

  function updateNumbers(data) {
    Object.keys(data.counts || {}).forEach(function (stage) {
      var badge = document.querySelector("[data-count-for='" + stage + "']");
      if (badge) {
        badge.textContent = data.counts[stage];
        badge.setAttribute("aria-label", data.counts[stage] + " cards");
      }
    });
    Object.keys(data.numbers || {}).forEach(function (key) {
      var cell = document.querySelector("[data-number='" + key + "']");
      if (cell) { cell.textContent = data.numbers[key]; }
    });
  }

  function previousCard(card) {
    var prev = card.previousElementSibling;
    while (prev && !prev.classList.contains("js-card")) { prev = prev.previousElementSibling; }
    return prev;
  }

  function saveMove(evt) {
    var card = evt.item;
    if (evt.from === evt.to && evt.oldIndex === evt.newIndex) { return; }
    var stage = evt.to.dataset.stage;
    var body = new FormData();
    body.append("csrf_token", token());
    body.append("stage", stage);
    var prev = previousCard(card);
    if (prev) { body.append("after_id", prev.dataset.id); }
    function putBack() {
      card.remove();
      evt.from.insertBefore(card, evt.from.children[evt.oldIndex] || null);
    }
    fetch(card.dataset.moveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token() }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok && data.ok, data: data }; });
    }).then(function (result) {
      if (!result.ok) {
        putBack();
        announce(result.data.error || "The card could not be moved.", true);
        return;
      }
      var select = card.querySelector("select[name=stage]");
      if (select) { select.value = result.data.stage; }
      updateNumbers(result.data);
      announce(card.dataset.domain + " moved to " + result.data.stage_label + ".", false);
    }).catch(function () {
      putBack();
      announce("The card could not be moved. Check your connection and try again.", true);
    });
  }

  var board = document.querySelector(".js-board");
  if (board && board.dataset.editable === "1" && window.Sortable) {
    board.querySelectorAll(".js-board-cards").forEach(function (list) {
      window.Sortable.create(list, {
        group: "board",
        draggable: ".js-card",
        filter: ".js-card:not(.js-card-movable), select, button, input, label",
        preventOnFilter: false,
        animation: 120,
        onEnd: saveMove
      });
    });
  }

  // The table's "tick all" box.
  document.querySelectorAll(".js-tick-all").forEach(function (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll(".js-tick").forEach(function (box) { box.checked = all.checked; });
    });
  });
})();

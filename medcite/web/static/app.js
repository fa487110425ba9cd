// Citation hovercards: a [n] marker shows the quoted passage, its source and evidence type on
// hover or keyboard focus; Escape closes it. Without JavaScript the reference list still shows
// every source, so nothing depends on this file.
(function () {
  "use strict";
  var open = null;

  function hide() {
    if (open) { open.card.hidden = true; open.button.setAttribute("aria-expanded", "false"); open = null; }
  }

  function show(button) {
    var card = document.getElementById(button.getAttribute("data-card"));
    if (!card) { return; }
    if (open && open.card === card) { return; }
    hide();
    card.hidden = false;
    var box = button.getBoundingClientRect();
    var left = Math.min(window.scrollX + box.left, window.scrollX + document.documentElement.clientWidth - card.offsetWidth - 8);
    card.style.left = Math.max(8, left) + "px";
    card.style.top = (window.scrollY + box.bottom + 6) + "px";
    button.setAttribute("aria-expanded", "true");
    open = { card: card, button: button };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("button.cite");
    buttons.forEach(function (button) {
      button.setAttribute("aria-expanded", "false");
      button.addEventListener("mouseenter", function () { show(button); });
      button.addEventListener("focus", function () { show(button); });
      button.addEventListener("click", function () { if (open && open.button === button) { hide(); } else { show(button); } });
      button.addEventListener("blur", function () { setTimeout(function () { if (open && open.button === button && !open.card.matches(":hover")) { hide(); } }, 150); });
      button.addEventListener("mouseleave", function () { setTimeout(function () { if (open && open.button === button && !open.card.matches(":hover") && document.activeElement !== button) { hide(); } }, 250); });
    });
    document.querySelectorAll(".hovercard").forEach(function (card) {
      card.addEventListener("mouseleave", hide);
    });
    document.addEventListener("keydown", function (event) { if (event.key === "Escape") { hide(); } });
  });
}());

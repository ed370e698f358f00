// The claim page's control that hides the figures of parties to the events. Progressive
// enhancement: without this script the control stays hidden and every figure is shown, each
// party's marked; with it, a reader can hide every row marked `data-party` (the table's and the
// chart's), and the page says how many figures are hidden.
(function () {
  "use strict";
  function start() {
    var filter = document.querySelector("[data-party-filter]");
    if (!filter) return;
    var box = filter.querySelector("input[type=checkbox]");
    var status = filter.querySelector("[role=status]");
    var main = document.querySelector("main") || document.body;
    function apply() {
      main.classList.toggle("hide-party", box.checked);
      status.textContent = box.checked ? status.getAttribute("data-hidden") : "";
    }
    box.addEventListener("change", apply);
    filter.hidden = false;
    apply(); // a checkbox the browser kept checked on going back
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

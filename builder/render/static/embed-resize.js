// factsheet's fact box, framed on another page: tells that page how tall the box is, now and whenever it
// changes (a font loads, the chart's folded rows open), so that a page running embed-host.js fits the
// frame to it, as pym.js does. A small message of its own kind, {factsheet: "resize", height, src}, sent
// to any origin, since the box cannot know its host's: it says nothing but the box's height and address.
// Nothing is sent when the box is not framed. See docs/embedding.md.
(function () {
  "use strict";
  if (window.parent === window) return;
  var sent = 0;
  function send() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === sent) return;
    sent = height;
    window.parent.postMessage({ factsheet: "resize", height: height, src: location.href }, "*");
  }
  if (typeof ResizeObserver === "function") new ResizeObserver(send).observe(document.documentElement);
  window.addEventListener("load", send);
  send();
})();

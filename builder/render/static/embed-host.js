// For a page that frames factsheet fact boxes: include it once, and each box's frame takes the height its
// box says it has (embed-resize.js). A message is taken only from the window of one of the page's own
// frames, and only when it comes from the origin that frame was given in its src. See docs/embedding.md.
(function () {
  "use strict";
  var MOST = 5000; // no box is this tall: a larger height is no box's
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.factsheet !== "resize" || typeof data.height !== "number") return;
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow !== event.source) continue;
      var origin;
      try {
        origin = new URL(frame.src, location.href).origin;
      } catch (error) {
        return;
      }
      if (origin !== event.origin || !(data.height > 0 && data.height <= MOST)) return;
      frame.style.height = Math.ceil(data.height) + "px";
      return;
    }
  });
})();

// The search box: Pagefind's UI over the index that `factsheet build` writes.
// The site root is found from this script's own address, so that search works
// under any sub-path, as every other link of the site does.
(function () {
  var here = document.currentScript && document.currentScript.src;
  window.addEventListener("DOMContentLoaded", function () {
    if (typeof PagefindUI === "undefined" || !here) return;
    var root = new URL("../", here);
    var box = document.getElementById("search");
    if (location.protocol === "file:") {
      // A browser lets no page opened from disk fetch the index beside it: say how to search instead.
      if (box) {
        var note = document.createElement("p");
        note.className = "search-offline";
        note.textContent = box.getAttribute("data-offline") || "Search works once the site is served: run factsheet serve, or put it on any web host.";
        box.appendChild(note);
      }
      return;
    }
    // A large desk's index is in shards (pagefind/shards.json lists them), merged by the search box.
    fetch(new URL("pagefind/shards.json", root))
      .then(function (answer) { return answer.ok ? answer.json() : []; })
      .catch(function () { return []; })
      .then(function (shards) {
        new PagefindUI({
          element: "#search",
          baseUrl: root.pathname,
          bundlePath: new URL("pagefind/", root).pathname,
          mergeIndex: shards.map(function (shard) {
            return { bundlePath: new URL("pagefind/" + shard, root).pathname };
          }),
          showSubResults: false,
          showImages: false,
          resetStyles: false
        });
        label();
      });
    // Pagefind's input is labelled only by its placeholder; name it for screen readers.
    function label() {
      var input = box && box.querySelector("input");
      if (input && !input.getAttribute("aria-label")) input.setAttribute("aria-label", box.getAttribute("data-label") || "Search the site");
      return Boolean(input);
    }
    if (!label() && box && window.MutationObserver) {
      var watcher = new MutationObserver(function () { if (label()) watcher.disconnect(); });
      watcher.observe(box, { childList: true, subtree: true });
    }
  });
})();

// The search box: Pagefind's UI over the index that `factsheet build` writes.
// The site root is found from this script's own address, so that search works
// under any sub-path, as every other link of the site does.
(function () {
  var here = document.currentScript && document.currentScript.src;
  window.addEventListener("DOMContentLoaded", function () {
    if (typeof PagefindUI === "undefined" || !here) return;
    var root = new URL("../", here);
    new PagefindUI({
      element: "#search",
      baseUrl: root.pathname,
      bundlePath: new URL("pagefind/", root).pathname,
      showSubResults: false,
      showImages: false,
      resetStyles: false
    });
  });
})();

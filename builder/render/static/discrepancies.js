// Sorting and filtering for the discrepancies table. Progressive enhancement:
// without this script the table is complete, in its default order (the
// farthest from the canonical figure first); with it, a reader can filter by topic and verdict and sort.
(function () {
  "use strict";
  function start() {
    var table = document.querySelector("table[data-filterable]");
    if (!table) return;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var original = rows.slice();
    // The controls' words, in the site's language, as the page gives them.
    function word(name, fallback) { return table.getAttribute("data-word-" + name) || fallback; }

    function values(name) {
      var seen = [];
      rows.forEach(function (row) {
        var value = row.getAttribute("data-" + name);
        if (value && seen.indexOf(value) < 0) seen.push(value);
      });
      return seen.sort();
    }

    function select(name, label) {
      var wrapper = document.createElement("label");
      wrapper.className = "filter";
      wrapper.appendChild(document.createTextNode(label + " "));
      var control = document.createElement("select");
      control.setAttribute("data-filter", name);
      var all = document.createElement("option");
      all.value = "";
      all.textContent = word("all", "All");
      control.appendChild(all);
      values(name).forEach(function (value) {
        var option = document.createElement("option");
        option.value = value;
        option.textContent = value;
        control.appendChild(option);
      });
      control.addEventListener("change", apply);
      wrapper.appendChild(control);
      return wrapper;
    }

    var sortControl = document.createElement("label");
    sortControl.className = "filter";
    sortControl.appendChild(document.createTextNode(word("sort-by", "Sort by") + " "));
    var sort = document.createElement("select");
    sort.setAttribute("data-sort", "");
    [["deviation", word("farthest-first", "farthest first")], ["claim", word("claim", "claim")], ["outlet", word("outlet", "outlet")]].forEach(function (pair) {
      var option = document.createElement("option");
      option.value = pair[0];
      option.textContent = pair[1];
      sort.appendChild(option);
    });
    sort.addEventListener("change", apply);
    sortControl.appendChild(sort);

    var status = document.createElement("p");
    status.className = "filter-status";
    status.setAttribute("role", "status");

    var controls = document.createElement("div");
    controls.className = "filters";
    controls.appendChild(select("topic", word("topic", "Topic")));
    controls.appendChild(select("verdict", word("verdict", "Verdict")));
    controls.appendChild(sortControl);
    table.parentNode.parentNode.insertBefore(controls, table.parentNode);
    table.parentNode.parentNode.insertBefore(status, table.parentNode);

    function apply() {
      var wanted = {};
      Array.prototype.forEach.call(controls.querySelectorAll("select[data-filter]"), function (control) {
        wanted[control.getAttribute("data-filter")] = control.value;
      });
      var order = original.slice();
      if (sort.value !== "deviation") {
        order.sort(function (a, b) {
          var x = a.getAttribute("data-" + sort.value) || "";
          var y = b.getAttribute("data-" + sort.value) || "";
          return x.localeCompare(y);
        });
      }
      var shown = 0;
      order.forEach(function (row) {
        var visible = Object.keys(wanted).every(function (name) {
          return !wanted[name] || row.getAttribute("data-" + name) === wanted[name];
        });
        row.hidden = !visible;
        if (visible) shown += 1;
        body.appendChild(row);
      });
      // The page says how many figures there are; the status speaks only when a filter hides some.
      status.textContent = shown === rows.length ? "" : shown + " of " + rows.length + " figures shown.";
    }
    apply();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

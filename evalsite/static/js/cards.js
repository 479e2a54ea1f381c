/* On a phone, a table becomes one card per row: each cell is labelled with its column heading
   (data-label, shown by site.css below 600 px), so nothing is squeezed to one character a line.
   Tables that lay themselves out (statistics, imports, the evaluator's page, the queues) are left alone;
   without JavaScript a table scrolls inside its own box instead. */
(function () {
  "use strict";
  var SKIP = ["wide", "import", "queue", "evaluate", "checks-table", "no-cards"];
  function label(table) {
    if (!table.tHead || SKIP.some(function (c) { return table.classList.contains(c) || table.closest("." + c); })) return;
    var heads = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) { return th.textContent.trim(); });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          if (!cell.hasAttribute("data-label") && heads[i]) cell.setAttribute("data-label", heads[i]);
        });
      });
    });
    table.classList.add("cards");
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("main table, .page table, table"), label);
  });
})();

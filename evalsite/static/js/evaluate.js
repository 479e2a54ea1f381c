/* Evaluator page conveniences; the page works the same without them (the buttons post to the server). */
(function () {
  "use strict";
  function fmt(n) { return (Math.round(n * 100) / 100).toString(); }
  function start() {
    var form = document.getElementById("evaluate-form");
    if (!form) { return; }
    function refresh() {
      form.querySelectorAll("output[data-total-for]").forEach(function (out) {
        var sum = 0;
        form.querySelectorAll('tbody[data-dim="' + out.dataset.totalFor + '"] input[type=radio]:checked')
          .forEach(function (r) { sum += parseFloat(r.dataset.points || "0"); });
        out.textContent = fmt(sum);
      });
    }
    form.addEventListener("change", function (e) {
      if (e.target && e.target.type === "radio") { refresh(); }
    });
    form.addEventListener("click", function (e) {
      var button = e.target.closest ? e.target.closest('button[name="agree"]') : null;
      if (!button) { return; }
      var copied = 0;
      (button.dataset.codes || "").split(",").forEach(function (code) {
        var cell = form.querySelector('td[data-code="' + code + '"]');
        var level = cell ? cell.dataset.selfLevel : "";
        if (!level) { return; }
        var radio = form.querySelector('input[name="level_' + code + '"][value="' + level + '"]');
        if (radio && !radio.disabled) { radio.checked = true; copied += 1; }
      });
      if (copied) {
        e.preventDefault();
        refresh();
        var note = document.getElementById("unsaved");
        if (note) { note.hidden = false; }
      }
    });
    refresh();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());

// Progress of a batch job: poll its JSON and update the numbers; reload once it has finished.
(function () {
  var box = document.getElementById("job");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-poll");
  function set(id, value) { var el = document.getElementById(id); if (el) el.textContent = value; }
  function tick() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) return;
        set("job-status", d.status_label); set("job-done", d.done); set("job-total", d.total);
        set("job-refused", d.refused);
        var bar = document.getElementById("job-progress");
        if (bar) { bar.max = d.total || 1; bar.value = d.done; }
        if (d.finished) { window.location.reload(); } else { setTimeout(tick, 1000); }
      })
      .catch(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, 1000);
})();

// The import page follows a background import: it asks for the job's progress every second,
// moves the bar and the counts, and reloads itself once the job is done (to show its report).
(function () {
  "use strict";
  var section = document.getElementById("import-job");
  if (!section) { return; }
  var bar = document.getElementById("import-bar");
  var url = section.getAttribute("data-progress-url");
  var format = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function render(job) {
    bar.max = job.steps;
    bar.value = job.steps_done;
    section.querySelectorAll("[data-count]").forEach(function (cell) {
      cell.textContent = format.format(job[cell.getAttribute("data-count")]);
    });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        if (job.done) { window.location.reload(); return; }
        render(job);
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
}());

// An export job's page (admin/schedules/export_job.html): asks the server for the job's state
// every two seconds until the file is written or the job failed, then shows the link or the error.
// Any server answers: the state is in the database. No inline script (the CSP is script-src 'self').
(function () {
  var box = document.getElementById("export-job");
  if (!box) return;
  function show(id, visible) { document.getElementById(id).hidden = !visible; }
  function poll() {
    fetch(box.getAttribute("data-status-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        document.getElementById("export-status").textContent = job.status_label;
        var bar = document.getElementById("export-progress");
        bar.value = job.percent;
        bar.textContent = job.percent + "%";
        document.getElementById("export-rows").textContent = job.rows_done;
        if (job.download) {
          document.querySelector("#export-download a").href = job.download;
          show("export-download", true);
          show("export-waiting", false);
        } else if (job.status === "failed") {
          document.getElementById("export-error").textContent = job.error;
          show("export-error", true);
          show("export-waiting", false);
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  var status = box.getAttribute("data-status");
  if (status === "queued" || status === "running") window.setTimeout(poll, 1000);
})();

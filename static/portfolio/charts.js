/* Draws the pages' charts with the vendored Chart.js. Data arrive through json_script blocks;
   amounts are decimal strings in 万元 and are shown in 亿元 (overview) or 万元 (project page). */
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var labels = data("chart-labels") || {};
  var NAVY = "#2c5282", LIGHT = "#90b4e0", RED = "#c53030", GREY = "#718096", GREEN = "#2f855a";
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.usePointStyle = true;
  Chart.defaults.animation = false; // figures, not a show; also makes screenshots and print exact

  function yi(wan) { return Number(wan) / 10000; }

  var overview = data("overview-charts");
  if (overview) {
    var cats = overview.categories;
    var byCategory = document.getElementById("chart-categories");
    if (byCategory) {
      new Chart(byCategory, {
        type: "bar",
        data: {
          labels: cats.map(function (c) { return labels.lang === "en" ? c.name_en : c.name; }),
          datasets: [
            { label: labels.plan, data: cats.map(function (c) { return yi(c.annual_plan); }), backgroundColor: LIGHT },
            { label: labels.completed, data: cats.map(function (c) { return yi(c.completed_ytd); }), backgroundColor: NAVY }
          ]
        },
        options: {
          indexAxis: "y",
          plugins: { tooltip: { callbacks: { label: function (ctx) {
            return ctx.dataset.label + ": " + ctx.parsed.x.toFixed(1) + " " + labels.yi; } } } },
          scales: { x: { title: { display: true, text: labels.yi } } }
        }
      });
    }
    var cumulative = document.getElementById("chart-months");
    if (cumulative) {
      var months = overview.months;
      new Chart(cumulative, {
        type: "line",
        data: {
          labels: months.map(function (m) { return labels.month_fmt.replace("%s", m.month); }),
          datasets: [
            { label: labels.cumulative_rate, data: months.map(function (m) { return m.cumulative_rate === null ? null : Number(m.cumulative_rate); }),
              borderColor: NAVY, backgroundColor: NAVY, tension: 0.2 },
            { label: labels.time_elapsed, data: months.map(function (m) { return Number(m.time_elapsed); }),
              borderColor: RED, borderDash: [6, 4], pointRadius: 0, backgroundColor: RED }
          ]
        },
        options: { scales: { y: { min: 0, max: 100, title: { display: true, text: "%" } } },
          plugins: { tooltip: { callbacks: { label: function (ctx) {
            return ctx.dataset.label + ": " + ctx.parsed.y.toFixed(1) + "%"; } } } } }
      });
    }
  }

  var project = data("project-chart");
  var canvas = document.getElementById("chart-project");
  if (project && canvas) {
    var pm = project.months;
    new Chart(canvas, {
      data: {
        labels: pm.map(function (m) { return labels.month_fmt.replace("%s", m.month); }),
        datasets: [
          { type: "line", label: labels.percent, data: pm.map(function (m) { return m.percent === null ? null : Number(m.percent); }), spanGaps: true,
            borderColor: GREEN, backgroundColor: GREEN, yAxisID: "y1", tension: 0.2 },
          { type: "bar", label: labels.investment, data: pm.map(function (m) { return m.investment === null ? null : Number(m.investment); }),
            backgroundColor: LIGHT, yAxisID: "y" }
        ]
      },
      options: {
        scales: {
          y: { position: "left", title: { display: true, text: labels.wan } },
          y1: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: "%" } }
        }
      }
    });
  }

  // Let the charts re-fit the printed page width.
  window.addEventListener("beforeprint", function () {
    Object.values(Chart.instances).forEach(function (c) { c.resize(); });
  });
})();

// The SLA dashboard's charts (Chart.js, served from the portal; the data comes from a
// JSON script element, so no inline script is needed under the CSP). A click on a bar
// or a point opens the admin list behind it.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("dash-charts");
    if (!source || typeof window.Chart === "undefined") { return; }
    var charts = JSON.parse(source.textContent);
    var palette = ["#2b8a3e", "#1971c2", "#e67700", "#862e9c", "#c92a2a", "#0b7285"];
    charts.forEach(function (spec) {
      var canvas = document.getElementById("chart-" + spec.key);
      if (!canvas) { return; }
      var percent = spec.unit === "%";
      var chart = new window.Chart(canvas, {
        type: spec.kind,
        data: {
          labels: spec.labels,
          datasets: spec.datasets.map(function (d, i) {
            return {label: d.label, data: d.data, spanGaps: true,
                    backgroundColor: palette[i % palette.length],
                    borderColor: palette[i % palette.length], borderWidth: 2};
          })
        },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          scales: {y: percent ? {min: 0, max: 100, ticks: {callback: function (v) { return v + "%"; }}}
                               : {beginAtZero: true, ticks: {precision: 0}}},
          plugins: {legend: {display: spec.datasets.length > 1}},
          onClick: function (event, elements) {
            if (elements.length && spec.links[elements[0].index]) {
              window.location.href = spec.links[elements[0].index];
            }
          }
        }
      });
      canvas.dataset.drawn = chart.data.labels.length ? "yes" : "empty";
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

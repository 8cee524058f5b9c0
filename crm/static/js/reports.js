// Reports: draws each chart from the JSON in its canvas's data-chart attribute (the CSP allows no inline script),
// keeps charts sharp when printing, and wires the Print and Copy buttons.
(function () {
  "use strict";

  var PALETTE = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1", "#20c997", "#6c757d", "#ffc107"];

  function formatValue(value, fmt) {
    if (value === null || value === undefined) { return "—"; }
    return fmt === "percent" ? value + "%" : String(value);
  }

  function datasetsFor(spec) {
    var doughnut = spec.type === "doughnut";
    return spec.datasets.map(function (ds, index) {
      var color = PALETTE[index % PALETTE.length];
      var out = { label: ds.label, data: ds.data };
      if (doughnut) {
        out.backgroundColor = ds.data.map(function (_, j) { return PALETTE[j % PALETTE.length]; });
      } else if (ds.kind === "line") {
        out.type = "line";
        out.borderColor = color;
        out.backgroundColor = color;
        out.tension = 0.2;
        out.order = 0; // drawn on top of the bars
      } else {
        out.backgroundColor = color;
        out.order = 1;
      }
      return out;
    });
  }

  function build(canvas) {
    var spec = JSON.parse(canvas.dataset.chart);
    var doughnut = spec.type === "doughnut";
    var datasets = datasetsFor(spec);
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { display: doughnut || datasets.length > 1, position: "bottom" },
        tooltip: {
          callbacks: {
            label: function (ctx) {
              var value = doughnut ? ctx.parsed : (spec.horizontal ? ctx.parsed.x : ctx.parsed.y);
              return (doughnut ? ctx.label : ctx.dataset.label) + ": " + formatValue(value, spec.format);
            }
          }
        }
      }
    };
    if (!doughnut) {
      var valueAxis = {
        beginAtZero: true,
        ticks: { precision: 0, callback: function (value) { return formatValue(value, spec.format); } }
      };
      if (spec.format === "percent") { valueAxis.max = 100; }
      if (spec.max) { valueAxis.max = spec.max; }
      options.indexAxis = spec.horizontal ? "y" : "x";
      options.scales = spec.horizontal ? { x: valueAxis } : { y: valueAxis };
    }
    return new window.Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets: datasets }, options: options });
  }

  var charts = [];
  if (window.Chart) {
    document.querySelectorAll("canvas.js-chart[data-chart]").forEach(function (canvas) { charts.push(build(canvas)); });
  }

  // Canvases are bitmaps: redraw them at the printed size, and back afterwards. Folded tables print unfolded.
  var folded = [];
  function resizeAll() { charts.forEach(function (chart) { chart.resize(); }); }
  window.addEventListener("beforeprint", function () {
    folded = Array.from(document.querySelectorAll("details.report-details:not([open])"));
    folded.forEach(function (details) { details.open = true; });
    resizeAll();
  });
  window.addEventListener("afterprint", function () {
    folded.forEach(function (details) { details.open = false; });
    resizeAll();
  });

  document.querySelectorAll(".js-print").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  document.querySelectorAll(".js-copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.getElementById(button.dataset.copyTarget);
      input.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value);
      } else {
        document.execCommand("copy");
      }
      button.textContent = "Copied";
    });
  });
})();

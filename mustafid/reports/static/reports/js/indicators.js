// The indicators page (reports/indicators.html): each table marked data-chart is drawn as a chart from
// its own cells, so the chart and the table always show the same figures. Without JavaScript (or
// without Chart.js) the tables alone are the page. Right to left: the category axis runs from the
// right, the value axis sits on the right, the legend and tooltips read right to left.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") return;
  var rtl = document.documentElement.dir === "rtl";
  var font = getComputedStyle(document.body).fontFamily;
  var colours = ["#0d6e5f", "#c77c02", "#4a5fc1", "#b8324f", "#5b7d2a"];
  window.Chart.defaults.font.family = font;
  window.Chart.defaults.animation = false;

  function number(cell) {
    var text = cell.getAttribute("data-value");
    if (text === null || text === "") return null;
    var value = parseFloat(text);
    return isNaN(value) ? null : value;
  }

  document.querySelectorAll("table[data-chart]").forEach(function (table) {
    var canvas = document.getElementById(table.getAttribute("data-canvas"));
    if (!canvas) return;
    var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var labels = rows.map(function (tr) { return tr.cells[0].textContent.trim(); });
    var series = (table.getAttribute("data-series") || "1").split(",").map(Number);
    var datasets = series.map(function (column, n) {
      return {
        label: headers[column],
        data: rows.map(function (tr) { return tr.cells[column] ? number(tr.cells[column]) : null; }),
        backgroundColor: colours[n % colours.length],
        borderColor: colours[n % colours.length],
      };
    });
    canvas.parentElement.hidden = false;
    new window.Chart(canvas, {
      type: table.getAttribute("data-chart"),
      data: { labels: labels, datasets: datasets },
      options: {
        responsive: true,
        aspectRatio: 1.6,
        locale: document.documentElement.lang || "ar",
        scales: {
          x: { reverse: rtl, ticks: { autoSkip: false, maxRotation: 60 } },
          y: { position: rtl ? "right" : "left", beginAtZero: true },
        },
        plugins: {
          legend: { rtl: rtl, textDirection: rtl ? "rtl" : "ltr", display: datasets.length > 1 },
          tooltip: { rtl: rtl, textDirection: rtl ? "rtl" : "ltr" },
        },
      },
    });
    canvas.setAttribute("data-drawn", "true");
  });
})();

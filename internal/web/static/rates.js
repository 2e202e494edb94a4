// Charts of the 三率 page, drawn with ECharts from the JSON data block the
// page carries (inline scripts are not allowed by the page's CSP).
(function () {
  var el = document.getElementById('rates-data');
  if (!el || typeof echarts === 'undefined') { return; }
  var d = JSON.parse(el.textContent);
  // Two decimals, as the page's tables and the downloads show them.
  var pct = function (f) { return f.rate === null ? null : Math.round(f.rate * 10000) / 100; };
  var two = function (v) { return v === null ? null : Math.round(v * 100) / 100; };
  var trend = document.getElementById('trend-chart');
  if (trend) {
    var t = d.street.trend;
    echarts.init(trend).setOption({
      tooltip: { trigger: 'axis', valueFormatter: function (v) { return v === null ? '—' : v.toFixed(2); } },
      // The legend below the axis, where it covers no label.
      legend: { data: ['响应率', '解决率', '满意率', '综合得分'], bottom: 0 },
      grid: { left: 40, right: 20, top: 20, bottom: 60 },
      xAxis: { type: 'category', data: d.periods },
      yAxis: { type: 'value', min: function (v) { return Math.max(0, Math.floor(v.min / 10) * 10); }, max: 100 },
      series: [
        { name: '响应率', type: 'line', data: t.map(function (s) { return pct(s.response); }) },
        { name: '解决率', type: 'line', data: t.map(function (s) { return pct(s.resolution); }) },
        { name: '满意率', type: 'line', data: t.map(function (s) { return pct(s.satisfaction); }) },
        { name: '综合得分', type: 'line', lineStyle: { type: 'dashed' }, data: t.map(function (s) { return two(s.composite); }) }
      ]
    });
  }
  var units = document.getElementById('units-chart');
  if (units) {
    var u = d.units.filter(function (g) { return g.composite !== null; }).slice().reverse();
    units.style.height = Math.max(240, u.length * 22 + 60) + 'px';
    echarts.init(units).setOption({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: function (v) { return v === null ? '—' : v.toFixed(2); } },
      grid: { left: 150, right: 30, top: 20, bottom: 30 },
      // From 0: a bar cut at 80 makes 81 look like nothing.
      xAxis: { type: 'value', min: 0, max: 100 },
      yAxis: { type: 'category', data: u.map(function (g) { return g.name; }) },
      series: [{ type: 'bar', data: u.map(function (g) { return two(g.composite); }),
        markLine: { symbol: 'none', data: d.street.composite === null ? [] : [{ xAxis: d.street.composite, name: '全街道' }] } }]
    });
  }
})();

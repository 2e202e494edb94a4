// The score trend of the 数据质量 page, drawn with ECharts from the JSON
// data block the page carries; a click on a point opens that run.
(function () {
  var el = document.getElementById('quality-data');
  var node = document.getElementById('quality-trend');
  if (!el || !node || typeof echarts === 'undefined') { return; }
  var d = JSON.parse(el.textContent);
  var c = echarts.init(node);
  c.setOption({
    tooltip: { trigger: 'axis' },
    grid: { left: 40, right: 20, top: 20, bottom: 40 },
    xAxis: { type: 'category', data: d.trend.map(function (p) { return p.at; }) },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [{ name: '得分', type: 'line', data: d.trend.map(function (p) { return p.score; }) }]
  });
  c.on('click', function (e) { var p = d.trend[e.dataIndex]; if (p) { window.location.href = p.url; } });
})();

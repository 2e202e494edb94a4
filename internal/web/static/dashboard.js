// Charts of the 数据看板, drawn with ECharts from the JSON data block the
// page carries (inline scripts are not allowed by the page's CSP). A click
// on a bar, a point or a cell opens its tickets.
(function () {
  var el = document.getElementById('dashboard-data');
  if (!el || typeof echarts === 'undefined') { return; }
  var d = JSON.parse(el.textContent);
  var open = function (url) { if (url) { window.location.href = url; } };
  var named = function (n) { return n === '' ? '（未填）' : n; };

  var trend = document.getElementById('trend-chart');
  if (trend) {
    var t = echarts.init(trend);
    t.setOption({
      tooltip: { trigger: 'axis' },
      legend: { data: ['本期', '去年同期'], bottom: 0 },
      grid: { left: 40, right: 20, top: 20, bottom: 60 },
      xAxis: { type: 'category', data: d.days.map(function (p) { return p.day.slice(5); }) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: '本期', type: 'line', data: d.days.map(function (p) { return p.n; }) },
        { name: '去年同期', type: 'line', lineStyle: { type: 'dashed' }, data: d.days.map(function (p) { return p.last_year; }) }
      ]
    });
    t.on('click', function (e) { open(d.days[e.dataIndex] && d.days[e.dataIndex].tickets); });
  }

  var bars = function (id, list) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var rows = list.slice(0, 20).reverse();
    node.style.height = Math.max(240, rows.length * 24 + 70) + 'px';
    var c = echarts.init(node);
    c.setOption({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { data: ['本期', '上一时段'], bottom: 0 },
      grid: { left: 110, right: 30, top: 10, bottom: 50 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: rows.map(function (s) { return named(s.name); }) },
      series: [
        { name: '本期', type: 'bar', data: rows.map(function (s) { return s.n; }) },
        { name: '上一时段', type: 'bar', data: rows.map(function (s) { return s.previous; }) }
      ]
    });
    c.on('click', function (e) { open(rows[e.dataIndex] && rows[e.dataIndex].tickets); });
  };
  bars('category-chart', d.categories);
  bars('community-chart', d.communities);

  var heat = document.getElementById('heat-chart');
  if (heat) {
    var days = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];
    var cells = [], top = 0;
    d.heat.forEach(function (row, w) {
      row.forEach(function (n, h) { cells.push([h, w, n]); top = Math.max(top, n); });
    });
    echarts.init(heat).setOption({
      tooltip: { formatter: function (p) { return days[p.value[1]] + ' ' + p.value[0] + ':00–' + (p.value[0] + 1) + ':00　' + p.value[2] + ' 件'; } },
      grid: { left: 50, right: 20, top: 10, bottom: 100 },
      xAxis: { type: 'category', data: Array.from({ length: 24 }, function (_, h) { return String(h); }) },
      yAxis: { type: 'category', data: days },
      visualMap: { min: 0, max: Math.max(top, 1), calculable: true, orient: 'horizontal', left: 'center', bottom: 0 },
      series: [{ type: 'heatmap', data: cells }]
    });
  }

  // The community map, when the street has uploaded its boundaries.
  var mapNode = document.getElementById('map-chart');
  if (mapNode && window.fetch) {
    fetch('/api/v1/boundaries', { credentials: 'same-origin' }).then(function (r) { return r.ok ? r.json() : null; }).then(function (geo) {
      if (!geo || !geo.features || geo.features.length === 0) { return; }
      document.getElementById('map').hidden = false;
      echarts.registerMap('street', geo);
      var m = echarts.init(mapNode);
      var byName = {};
      d.communities.forEach(function (c) { byName[c.name] = c; });
      var alerts = {};
      d.alerts.forEach(function (a) { if (a.community) { alerts[a.community] = (alerts[a.community] || 0) + 1; } });
      // The tickets with coordinates, as points over the communities.
      var points = [];
      var drawn = {}; // the communities' data as drawn, by name
      var draw = function (measure) {
        var data = geo.features.map(function (f) {
          var n = f.properties.name, c = byName[n] || { n: 0, previous: 0 };
          var v = measure === 'alerts' ? (alerts[n] || 0) : measure === 'change' ? c.n - c.previous : c.n;
          return { name: n, value: v, n: c.n, previous: c.previous, alerts: alerts[n] || 0, tickets: c.tickets };
        });
        data.forEach(function (x) { drawn[x.name] = x; });
        var vals = data.map(function (x) { return x.value; });
        var shown = document.getElementById('map-points').checked ? points : [];
        m.setOption({
          tooltip: { formatter: function (p) {
            var x = p.data || {};
            if (p.seriesType === 'scatter') { return x.number + '<br>' + named(x.category1) + ' · ' + x.status + '<br>' + x.received_at.slice(0, 16).replace('T', ' '); }
            return p.name + '<br>工单 ' + (x.n || 0) + ' 件（上一时段 ' + (x.previous || 0) + '）' + (x.alerts ? '<br>风险预警 ' + x.alerts + ' 条' : '');
          } },
          animation: false,
          // The map series colours the geo component's regions; the
          // labels are the geo's, with the alerts of each community.
          geo: { map: 'street', roam: true, label: { show: true, color: '#1b1b1b', textBorderColor: '#fff', textBorderWidth: 2 },
            regions: data.map(function (x) { return { name: x.name, label: { formatter: x.name + (x.alerts ? '\n⚠' + x.alerts : '') } }; }) },
          visualMap: { seriesIndex: 0, min: Math.min.apply(null, vals.concat([0])), max: Math.max.apply(null, vals.concat([1])), calculable: true, left: 10, bottom: 10 },
          series: [
            { type: 'map', geoIndex: 0, data: data },
            { type: 'scatter', coordinateSystem: 'geo', symbolSize: 7, itemStyle: { color: '#c1121f', borderColor: '#fff', borderWidth: 1, opacity: 0.85 },
              data: shown.map(function (q) { return { value: [q.lng, q.lat], number: q.number, id: q.id, category1: q.category1, status: q.status, received_at: q.received_at }; }) }
          ]
        }, true);
      };
      var measure = document.getElementById('map-measure');
      draw('n');
      measure.addEventListener('change', function () { draw(measure.value); });
      document.getElementById('map-points').addEventListener('change', function () { draw(measure.value); });
      fetch('/api/v1/points?from=' + d.from + '&to=' + d.to, { credentials: 'same-origin' }).then(function (r) { return r.ok ? r.json() : null; }).then(function (p) {
        if (!p) { return; }
        points = p.points;
        var note = document.getElementById('map-points-note');
        note.textContent = p.points.length === 0 ? '本时段的工单没有坐标。' : '点位为本时段有坐标的工单' + (p.capped ? '中最新的 ' + p.max + ' 件' : ' ' + p.points.length + ' 件') + '，点击打开工单。';
        note.hidden = false;
        draw(measure.value);
      });
      m.on('click', function (e) {
        if (e.seriesType === 'scatter') { open(e.data && '/tickets/' + e.data.id); return; }
        // A community: the map series' item, or the geo's region.
        var x = e.data || drawn[e.name];
        open(x && x.tickets);
      });
    });
  }
})();

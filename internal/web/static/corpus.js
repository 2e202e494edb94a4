// The corpus map (语料地图): the period's hot issues as treemaps by
// category and by community, sized by heat, from the page's JSON block. A
// click on an issue opens its first ticket.
(function () {
  var el = document.getElementById('corpus-data');
  if (!el || typeof echarts === 'undefined') { return; }
  var issues = JSON.parse(el.textContent);
  var tree = function (key) {
    var groups = {};
    issues.forEach(function (h) {
      var g = h[key] || '（未填）';
      (groups[g] = groups[g] || []).push({ name: h.label, value: h.heat, issue: h });
    });
    return Object.keys(groups).map(function (g) {
      return { name: g, children: groups[g] };
    });
  };
  var draw = function (id, key) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var c = echarts.init(node);
    c.setOption({
      animation: false,
      tooltip: { formatter: function (p) {
        var h = p.data && p.data.issue;
        return h ? h.label + '<br>热度 ' + h.heat + '　工单 ' + h.tickets + ' 件　来电人 ' + h.callers : p.name;
      } },
      series: [{ type: 'treemap', data: tree(key), roam: false, nodeClick: false, breadcrumb: { show: false },
        width: '96%', height: '92%', top: 8, label: { show: true, overflow: 'break' },
        upperLabel: { show: true, height: 22, color: '#333' },
        levels: [{}, { itemStyle: { borderColor: '#fff', borderWidth: 3, gapWidth: 2 } }, { itemStyle: { gapWidth: 1 } }] }]
    });
    // Tests wait for the drawing to end (labels come last).
    c.on('finished', function () { node.setAttribute('data-drawn', '1'); });
    c.on('click', function (e) {
      var h = e.data && e.data.issue;
      if (h && h.members && h.members.length) { window.location.href = '/tickets/' + h.members[0].id; }
    });
  };
  draw('corpus-category', 'category1');
  draw('corpus-community', 'community');
})();

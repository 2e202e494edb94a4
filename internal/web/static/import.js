// Progress of an import on /import/{job}: polls the job's status
// (GET /api/v1/imports/{job}) and reloads the page when the import is over.
// Without JavaScript the page refreshes itself (<noscript> meta refresh).
(function () {
  var box = document.getElementById('import-progress');
  if (!box || !window.fetch) { return; }
  var bar = document.getElementById('import-bar');
  var pct = document.getElementById('import-pct');
  var text = document.getElementById('import-text');
  var url = box.getAttribute('data-status');
  function tick() {
    fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (d) {
        if (d.done) { window.location.reload(); return; }
        if (d.percent === null) {
          bar.removeAttribute('value');
          pct.textContent = '';
        } else {
          bar.value = d.percent;
          pct.textContent = d.percent.toFixed(1) + '%';
        }
        text.textContent = (d.state === 'queued' ? '排队等待前一个导入完成' : (d.phase || d.label)) +
          '：已处理 ' + d.rows + ' 行，已保存 ' + d.stored + ' 条，拒绝 ' + d.rejected + ' 行';
        setTimeout(tick, 1000);
      })
      .catch(function () { setTimeout(tick, 5000); });
  }
  setTimeout(tick, 1000);
})();

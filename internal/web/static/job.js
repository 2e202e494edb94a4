// Progress of a background job (an import on /import/{job}, an export on
// /exports/{job}): polls the job's status (the section's data-status, a
// JSON answer with done, percent and text), updates the bar and the text,
// and reloads the page when the job is over. Without JavaScript the page
// refreshes itself (<noscript> meta refresh).
(function () {
  var box = document.querySelector('section.job-progress[data-status]');
  if (!box || !window.fetch) { return; }
  var bar = box.querySelector('.job-bar');
  var pct = box.querySelector('.job-pct');
  var text = box.querySelector('.job-text');
  var url = box.getAttribute('data-status');
  function tick() {
    fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (d) {
        if (d.done) { window.location.reload(); return; }
        if (d.percent === null || d.percent === undefined) {
          bar.removeAttribute('value');
          pct.textContent = '';
        } else {
          bar.value = d.percent;
          pct.textContent = d.percent.toFixed(1) + '%';
        }
        if (d.text) { text.textContent = d.text; }
        setTimeout(tick, 1000);
      })
      .catch(function () { setTimeout(tick, 5000); });
  }
  setTimeout(tick, 1000);
})();

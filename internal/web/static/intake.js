// The ticket form (受理登记) works without this script: 预览研判 posts the
// form and the page comes back with the preview. With it, the preview is
// fetched in place, so the photos chosen stay chosen, and the grid picker
// offers the grids of the community picked.
(function () {
  var form = document.getElementById("intake-form");
  var button = document.getElementById("intake-preview");
  var preview = document.getElementById("preview");
  if (!form || !button || !preview || !window.fetch || !window.DOMParser) return;
  button.addEventListener("click", function (ev) {
    ev.preventDefault();
    var data = new FormData(form);
    data.delete("photos");
    data.set("do", "preview");
    button.disabled = true;
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("preview");
        if (fresh) preview.replaceWith(fresh), preview = fresh;
      })
      .catch(function () { form.requestSubmit(button); })
      .finally(function () { button.disabled = false; });
  });
  var community = document.getElementById("intake-community");
  var grid = document.getElementById("intake-grid");
  if (!community || !grid) return;
  function narrow() {
    var groups = grid.querySelectorAll("optgroup");
    for (var i = 0; i < groups.length; i++) {
      var show = !community.value || groups[i].label === community.value;
      groups[i].hidden = !show;
      groups[i].disabled = !show;
    }
    var sel = grid.selectedOptions[0];
    if (sel && sel.parentNode.disabled) grid.value = "";
  }
  community.addEventListener("change", narrow);
  narrow();
})();

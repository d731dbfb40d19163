// Progressive enhancement only: the portal works without it. Pressing "/" focuses the search box.
document.addEventListener('keydown', function (e) {
  var box = document.getElementById('q');
  if (e.key === '/' && box && document.activeElement !== box && !/INPUT|TEXTAREA/.test(document.activeElement.tagName)) {
    e.preventDefault();
    box.focus();
  }
});
// Suggestions as the search box is typed into (the box's own <datalist>, so the browser's list is
// reached by keyboard and read by screen readers); titles from /api/v1/search/suggest.
(function () {
  var box = document.getElementById('q');
  var list = document.getElementById('q-suggestions');
  if (!box || !list || !window.fetch) return;
  var timer = null;
  var asked = '';
  box.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var typed = box.value.trim();
      if (!typed || typed === asked) return;
      asked = typed;
      fetch('/api/v1/search/suggest?limit=8&q=' + encodeURIComponent(typed))
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (found) {
          if (box.value.trim() !== typed) return;
          var options = found.map(function (s) {
            var o = document.createElement('option');
            o.value = s.text;
            return o;
          });
          list.replaceChildren.apply(list, options);
        })
        .catch(function () {});
    }, 150);
  });
})();

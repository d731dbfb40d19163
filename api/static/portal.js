// Progressive enhancement only: the portal works without it. Pressing "/" focuses the search box.
document.addEventListener('keydown', function (e) {
  var box = document.getElementById('q');
  if (e.key === '/' && box && document.activeElement !== box && !/INPUT|TEXTAREA/.test(document.activeElement.tagName)) {
    e.preventDefault();
    box.focus();
  }
});

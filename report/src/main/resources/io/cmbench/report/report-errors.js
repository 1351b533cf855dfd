// Collects script errors so the self-check at the end of the page can report them.
window.__reportErrors = [];
window.addEventListener('error', function (e) {
  window.__reportErrors.push(String(e && e.message ? e.message : e));
});

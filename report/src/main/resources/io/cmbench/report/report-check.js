// Self-check: every chart declares data-points > 0 and draws exactly that many visible data marks.
(function () {
  var charts = document.querySelectorAll('svg.chart');
  var bad = [];
  for (var i = 0; i < charts.length; i++) {
    var c = charts[i];
    var declared = parseInt(c.getAttribute('data-points'), 10);
    var marks = c.querySelectorAll('.pt');
    var visible = 0;
    for (var j = 0; j < marks.length; j++) {
      var box = marks[j].getBBox();
      if (isFinite(box.x) && isFinite(box.y) && (box.width > 0 || box.height > 0)) {
        visible++;
      }
    }
    if (!(declared > 0) || marks.length !== declared || visible === 0) {
      bad.push(c.id + ' (declared ' + declared + ', drawn ' + marks.length + ', visible ' + visible + ')');
    }
  }
  var errors = window.__reportErrors || [];
  var ok = charts.length > 0 && bad.length === 0 && errors.length === 0;
  var m = document.getElementById('report-check');
  m.setAttribute('data-status', ok ? 'ok' : 'fail');
  m.setAttribute('data-charts', String(charts.length));
  m.textContent = ok
      ? 'Page self-check: ' + charts.length + ' charts, all with data drawn.'
      : 'Page self-check FAILED: ' + (charts.length === 0 ? 'no charts; ' : '') + bad.concat(errors).join('; ');
  if (!ok) {
    console.error('report self-check failed: ' + m.textContent);
  }
})();

/* Vitals dashboard: reads /api only, draws with ECharts (served from this server). */
(function () {
  'use strict';

  var $ = function (id) { return document.getElementById(id); };
  var charts = {};
  var catalogue = null;
  var segmentKeys = ['plan', 'region', 'csm', 'industry', 'cohort'];
  var COLORS = { green: '#2e9d57', yellow: '#d9a400', red: '#d2453b', none: '#8a94a6' };

  // ---- formatting, as the shell prints numbers (io.vitals.shell.Render)
  function grouped(v, digits) {
    return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }
  function value(v, unit) {
    if (v === null || v === undefined) { return 'no data'; }
    switch (unit) {
      case '%': case 'percent': return v.toFixed(1) + ' %';
      case 'currency': return grouped(v, 2);
      case 'count': return Number.isInteger(v) ? grouped(v, 0) : grouped(v, 2);
      case 'd': case 'days': return v.toFixed(1) + ' d';
      case 'h': case 'hours': return v.toFixed(1) + ' h';
      case 'ratio': return v.toFixed(3);
      default: return v.toFixed(1);
    }
  }
  function change(c, unit) {
    if (c === null || c === undefined) { return ''; }
    var sign = c > 0 ? '+' : c < 0 ? '-' : '±';
    var s = value(Math.abs(c), unit);
    return sign + (unit === '%' || unit === 'percent' ? s.replace(' %', ' pp') : s);
  }
  function esc(s) {
    return String(s === null || s === undefined ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  // ---- state in the address: #kind=month&from=...&to=...&segment=plan:pro[&kpi=nps&grain=month]
  function state() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ''));
    return { kind: p.get('kind') || 'month', from: p.get('from'), to: p.get('to'), segments: p.getAll('segment'),
      kpi: p.get('kpi'), grain: p.get('grain') || 'month', subset: p.get('subset') };
  }
  function hash(s) {
    var p = new URLSearchParams();
    if (s.kpi) { p.set('kpi', s.kpi); }
    p.set('kind', s.kind);
    if (s.from) { p.set('from', s.from); }
    if (s.to) { p.set('to', s.to); }
    s.segments.forEach(function (t) { p.append('segment', t); });
    if (s.kpi && s.grain !== 'month') { p.set('grain', s.grain); }
    if (s.kpi && s.subset) { p.set('subset', s.subset); }
    return '#' + p.toString();
  }
  function query(s, extra) {
    var p = new URLSearchParams();
    if (s.from) { p.set('from', s.from); }
    if (s.to) { p.set('to', s.to); }
    s.segments.forEach(function (t) { p.append('segment', t); });
    Object.keys(extra || {}).forEach(function (k) { p.set(k, extra[k]); });
    var q = p.toString();
    return q ? '?' + q : '';
  }

  function api(path) {
    return fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin' }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) { throw new Error(body.error || (r.status + ' ' + r.statusText)); }
        return body;
      });
    });
  }

  function say(text, error) {
    var s = $('status');
    s.textContent = text || '';
    s.className = error ? 'error' : '';
  }

  // ---- dates
  function iso(d) { return d.toISOString().slice(0, 10); }
  function day(s) { return new Date(s + 'T00:00:00Z'); }
  function addMonths(s, n) { var d = day(s); d.setUTCMonth(d.getUTCMonth() + n); return iso(d); }

  // ---- the filter bar
  function fillQuarters(around) {
    var sel = $('period-quarter');
    sel.innerHTML = '';
    var y = day(around).getUTCFullYear();
    for (var year = y; year >= y - 2; year--) {
      for (var q = 4; q >= 1; q--) {
        var from = year + '-' + String((q - 1) * 3 + 1).padStart(2, '0') + '-01';
        var o = document.createElement('option');
        o.value = from;
        o.textContent = year + ' Q' + q;
        sel.appendChild(o);
      }
    }
  }
  function showKind(kind) {
    $('period-month').hidden = kind !== 'month';
    $('period-quarter').hidden = kind !== 'quarter';
    $('period-custom').hidden = kind !== 'custom';
  }
  function setFilters(s, period) {
    $('period-kind').value = s.kind;
    showKind(s.kind);
    $('period-month').value = period.from.slice(0, 7);
    fillQuarters(period.to);
    var qStart = period.from.slice(0, 5) + String(Math.floor((+period.from.slice(5, 7) - 1) / 3) * 3 + 1).padStart(2, '0') + '-01';
    $('period-quarter').value = qStart;
    $('from').value = period.from;
    $('to').value = period.to;
    document.querySelectorAll('select.segment').forEach(function (sel) {
      var key = sel.dataset.key;
      var chosen = s.segments.map(function (t) { return t.split(/[:=]/); }).filter(function (kv) { return kv[0] === key; })[0];
      sel.value = chosen ? chosen.slice(1).join(':') : '';
    });
  }
  function readFilters(current) {
    var kind = $('period-kind').value;
    var from, to;
    if (kind === 'month') {
      from = $('period-month').value + '-01';
      to = addMonths(from, 1);
    } else if (kind === 'quarter') {
      from = $('period-quarter').value;
      to = addMonths(from, 3);
    } else {
      from = $('from').value;
      to = $('to').value;
    }
    var segments = [];
    document.querySelectorAll('select.segment').forEach(function (sel) {
      if (sel.value) { segments.push(sel.dataset.key + ':' + sel.value); }
    });
    return { kind: kind, from: from, to: to, segments: segments, kpi: current.kpi, grain: current.grain, subset: current.subset };
  }
  function buildSegments(values) {
    var box = $('segments');
    var keys = segmentKeys.filter(function (k) { return values[k]; })
      .concat(Object.keys(values).filter(function (k) { return segmentKeys.indexOf(k) < 0 && values[k].indexOf('...') < 0; }));
    keys.forEach(function (key) {
      var sel = document.createElement('select');
      sel.className = 'segment';
      sel.dataset.key = key;
      sel.setAttribute('aria-label', key);
      var any = document.createElement('option');
      any.value = '';
      any.textContent = 'any ' + key;
      sel.appendChild(any);
      values[key].filter(function (v) { return v !== '...'; }).forEach(function (v) {
        var o = document.createElement('option');
        o.value = v;
        o.textContent = key + ': ' + v;
        sel.appendChild(o);
      });
      box.appendChild(sel);
    });
  }

  // ---- charts
  function chart(id) {
    var el = $(id);
    if (!charts[id]) { charts[id] = echarts.init(el, null, { renderer: 'canvas' }); }
    return charts[id];
  }
  function noData(id, text) {
    chart(id).setOption({ animation: false,  title: { text: text, left: 'center', top: 'middle', textStyle: { fontSize: 13, color: '#8a94a6' } },
      xAxis: { show: false }, yAxis: { show: false }, series: [] }, true);
  }
  function table(t, limit) {
    var cols = t.columns;
    var html = '<table><thead><tr>' + cols.map(function (c) { return '<th>' + esc(c.label) + '</th>'; }).join('') + '</tr></thead><tbody>';
    t.rows.slice(0, limit || t.rows.length).forEach(function (r) {
      html += '<tr>' + r.map(function (v, i) {
        var num = typeof v === 'number';
        return '<td' + (num ? ' class="num"' : '') + '>' + esc(num ? value(v, cols[i].unit || 'count') : v) + '</td>';
      }).join('') + '</tr>';
    });
    return html + '</tbody></table>' + (t.rows.length === 0 ? '<p>No customers.</p>' : '');
  }

  function drawMrr(s) {
    return api('/api/kpis/mrr' + query(s)).then(function (a) {
      var t = (a.tables || []).filter(function (x) { return x.name === 'movements'; })[0];
      if (!t) { return noData('chart-mrr', a.noDataReason || 'no movements'); }
      var names = [], base = [], up = [], down = [], running = 0;
      t.rows.forEach(function (r) {
        var name = r[0], v = r[1];
        names.push(name);
        if (name === 'start' || name === 'end') { base.push(0); up.push(v); down.push(0); running = v; }
        else if (v >= 0) { base.push(running); up.push(v); down.push(0); running += v; }
        else { running += v; base.push(running); up.push(0); down.push(-v); }
      });
      // the movements are small beside the totals: start the axis a little below the lowest step
      var lowest = Math.min.apply(null, base.filter(function (b, i) { return names[i] !== 'start' && names[i] !== 'end'; })
        .concat([up[0], up[up.length - 1]]));
      chart('chart-mrr').setOption({ animation: false, 
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        grid: { left: 70, right: 10, top: 10, bottom: 30 },
        xAxis: { type: 'category', data: names }, yAxis: { type: 'value', min: lowest > 0 ? Math.floor(lowest * 0.97) : null },
        series: [
          { type: 'bar', stack: 'w', data: base, itemStyle: { color: 'transparent' }, emphasis: { disabled: true }, tooltip: { show: false } },
          { name: 'up', type: 'bar', stack: 'w', data: up, itemStyle: { color: '#2e9d57' } },
          { name: 'down', type: 'bar', stack: 'w', data: down, itemStyle: { color: '#d2453b' } }]
      }, true);
    });
  }
  function drawNps(s, period) {
    return api('/api/kpis/nps' + query({ from: addMonths(period.to, -12), to: period.to, segments: s.segments }, { by: 'month' })).then(function (a) {
      var pts = a.series || [];
      var label = function (p) { return p.period.from.slice(0, 7); };
      var get = function (k) { return pts.map(function (p) { return p.details && p.details[k] !== undefined ? p.details[k] : 0; }); };
      chart('chart-nps').setOption({ animation: false, 
        tooltip: { trigger: 'axis' }, legend: { bottom: 0 },
        grid: { left: 40, right: 40, top: 30, bottom: 50 },
        xAxis: { type: 'category', data: pts.map(label) },
        yAxis: [{ type: 'value', name: 'answers' }, { type: 'value', name: 'NPS', min: -100, max: 100 }],
        series: [
          { name: 'promoters', type: 'bar', stack: 'a', data: get('promoters'), itemStyle: { color: '#2e9d57' } },
          { name: 'passives', type: 'bar', stack: 'a', data: get('passives'), itemStyle: { color: '#c5ccd6' } },
          { name: 'detractors', type: 'bar', stack: 'a', data: get('detractors'), itemStyle: { color: '#d2453b' } },
          { name: 'NPS', type: 'line', yAxisIndex: 1, data: pts.map(function (p) { return p.value; }), itemStyle: { color: '#1f2a3c' } }]
      }, true);
    });
  }
  function drawCohorts(s, period) {
    return api('/api/kpis/cohort-retention' + query({ from: addMonths(period.to, -12), to: period.to, segments: s.segments })).then(function (a) {
      var t = (a.tables || []).filter(function (x) { return x.name === 'cohorts'; })[0];
      if (!t || !t.rows.length) { return noData('chart-cohorts', a.noDataReason || 'no cohorts'); }
      var ages = t.columns.slice(2).map(function (c) { return c.name; });
      var cohorts = t.rows.map(function (r) { return r[0] + ' (' + r[1] + ')'; });
      var data = [];
      t.rows.forEach(function (r, y) {
        r.slice(2).forEach(function (v, x) { if (v !== null) { data.push([x, y, Math.round(v * 10) / 10]); } });
      });
      chart('chart-cohorts').setOption({ animation: false, 
        tooltip: { position: 'top', formatter: function (p) { return cohorts[p.value[1]] + ', ' + ages[p.value[0]] + ': ' + p.value[2] + ' %'; } },
        grid: { left: 110, right: 20, top: 10, bottom: 60 },
        xAxis: { type: 'category', data: ages, splitArea: { show: true } },
        yAxis: { type: 'category', data: cohorts, inverse: true, splitArea: { show: true } },
        visualMap: { min: 0, max: 100, calculable: true, orient: 'horizontal', left: 'center', bottom: 0,
          inRange: { color: ['#d2453b', '#f3d37a', '#2e9d57'] } },
        series: [{ type: 'heatmap', data: data, label: { show: true, fontSize: 10 } }]
      }, true);
    });
  }
  function drawHealth(s) {
    var q = query(s);
    var bands = api('/api/kpis/health-score' + q).then(function (a) {
      var t = (a.tables || []).filter(function (x) { return x.name === 'bands'; })[0];
      if (!t) { return noData('chart-health', a.noDataReason || 'no health scores'); }
      chart('chart-health').setOption({ animation: false, 
        tooltip: { trigger: 'item' },
        grid: { left: 60, right: 10, top: 10, bottom: 30 },
        xAxis: { type: 'category', data: t.rows.map(function (r) { return r[0]; }) }, yAxis: { type: 'value', name: 'customers' },
        series: [{ type: 'bar', data: t.rows.map(function (r) { return { value: r[1], itemStyle: { color: COLORS[r[0]] || '#8a94a6' } }; }),
          label: { show: true, position: 'top', formatter: function (p) { return p.value + ' (' + t.rows[p.dataIndex][2].toFixed(1) + ' %)'; } } }]
      }, true);
    });
    var risk = api('/api/kpis/health-score/customers' + query(s, { subset: 'red', limit: 25 })).then(function (t) {
      $('at-risk').innerHTML = table(t);
    });
    return Promise.all([bands, risk]);
  }

  function spark(el, pts, status) {
    var c = echarts.init(el, null, { renderer: 'canvas' });
    c.setOption({ animation: false,  grid: { left: 2, right: 2, top: 4, bottom: 2 }, xAxis: { type: 'category', show: false, data: pts.map(function (p) { return p.period.from; }) },
      yAxis: { type: 'value', show: false, scale: true }, tooltip: { show: false },
      series: [{ type: 'line', data: pts.map(function (p) { return p.value; }), symbol: 'none', smooth: true, connectNulls: false,
        lineStyle: { width: 1.5, color: COLORS[status] || '#4a6fa5' }, areaStyle: { opacity: 0.08 } }] });
  }

  // ---- restatements: closed months' figures (all customers) that changed after they were published
  function restatements() {
    return api('/api/restatements').catch(function () { return []; });
  }
  function restatedIn(list, kpi, from, to) {
    var first = from.slice(0, 7), last = addMonths(to, -1).slice(0, 7);
    return list.filter(function (r) { return r.kpi === kpi && r.month >= first && r.month <= last; });
  }
  function restatementText(r, unit) {
    return r.kpi + ' ' + r.month + ': ' + value(r.published, unit) + ' as published on ' + r.publishedAt.slice(0, 10)
      + ', now ' + value(r.restated, unit) + (r.cause ? ': ' + r.cause : '');
  }

  // ---- the pages
  function home(s) {
    $('home').hidden = false;
    $('kpi-page').hidden = true;
    return Promise.all([api('/api/report' + query(s)), s.segments.length ? [] : restatements()]).then(function (both) {
      var report = both[0], restated = both[1];
      var period = report.period;
      setFilters(s, period);
      var seg = Object.keys(report.segment).map(function (k) { return k + '=' + report.segment[k]; }).join(', ');
      $('title').textContent = 'Report for ' + period.from + ' to ' + period.to + ' (exclusive), ' + (seg || 'all customers');
      var html = '', category = null;
      report.kpis.forEach(function (l) {
        if (l.category !== category) {
          html += (category === null ? '' : '</div>') + '<h3 class="category">' + esc(l.category) + '</h3><div class="row">';
          category = l.category;
        }
        var shown = l.failure ? 'failed' : value(l.value, l.unit);
        var changed = restatedIn(restated, l.kpi, period.from, period.to);
        html += '<a class="tile ' + esc(l.status) + (changed.length ? ' restated' : '') + '" data-kpi="' + esc(l.kpi)
          + '" data-status="' + esc(l.status) + '"'
          + (l.value === null ? '' : ' data-value="' + l.value + '"')
          + (changed.length ? ' data-restated="' + esc(changed.map(function (r) { return r.month; }).join(' ')) + '"' : '')
          + ' href="' + esc(hash({ kind: s.kind, from: period.from, to: period.to, segments: s.segments, kpi: l.kpi, grain: 'month' })) + '"'
          + ' title="' + esc(l.failure || l.noDataReason || l.name) + '">'
          + '<div class="name">' + esc(l.name) + '</div><div class="value">' + esc(shown)
          + (changed.length ? ' <span class="restated-mark" title="' + esc(changed.map(function (r) { return restatementText(r, l.unit); }).join('\n'))
            + '">restated</span>' : '') + '</div>'
          + '<div class="change">' + esc(change(l.change, l.unit)) + (l.change === null ? '' : ' vs ' + esc(report.previousPeriod.from.slice(0, 7))) + '</div>'
          + '<div class="target">' + (l.target === null ? '&nbsp;' : 'target ' + esc(value(l.target, l.unit)) + ' · ' + esc(l.status)) + '</div>'
          + '<div class="spark"></div></a>';
      });
      $('tiles').innerHTML = html + (category === null ? '<p>No KPIs installed.</p>' : '</div>');
      var drawn = Promise.all([drawMrr(s), drawNps(s, period), drawCohorts(s, period), drawHealth(s)].map(function (p) {
        return p.catch(function (e) { say(e.message, true); });
      }));
      // sparklines: six months to the end of the period, a few at a time
      var tiles = Array.prototype.slice.call(document.querySelectorAll('.tile'));
      var next = 0;
      function worker() {
        if (next >= tiles.length) { return Promise.resolve(); }
        var tile = tiles[next++];
        return api('/api/kpis/' + encodeURIComponent(tile.dataset.kpi)
            + query({ from: addMonths(period.to, -6), to: period.to, segments: s.segments }, { by: 'month' }))
          .then(function (a) { spark(tile.querySelector('.spark'), a.series || [], tile.dataset.status); }, function () { })
          .then(worker);
      }
      // the page is ready once tiles and charts are drawn; sparklines follow
      drawn.then(function () {
        return Promise.all([worker(), worker(), worker()]);
      }).then(function () { document.body.dataset.sparklines = 'done'; });
      return drawn;
    });
  }

  function kpiPage(s) {
    $('home').hidden = true;
    $('kpi-page').hidden = false;
    $('kpi-page').dataset.kpi = s.kpi;
    var info = catalogue.filter(function (k) { return k.id === s.kpi; })[0];
    if (!info) { say('unknown KPI ' + s.kpi, true); return Promise.resolve(); }
    $('kpi-name').textContent = info.name + ' (' + info.id + ')';
    $('definition').textContent = info.description;
    $('formula').textContent = info.formula;
    $('parameters').textContent = info.parameters.length ? 'Parameters: ' + info.parameters.map(function (p) { return p.name + ' = ' + p.value; }).join(', ') : '';
    $('grain').value = s.grain;
    var subsets = info.drillDowns || [];
    var subset = s.subset && subsets.indexOf(s.subset) >= 0 ? s.subset : subsets[0];
    $('subset').innerHTML = subsets.map(function (d) { return '<option' + (d === subset ? ' selected' : '') + '>' + esc(d) + '</option>'; }).join('');
    // the number is for the chosen period; the chart shows the history that ends with it
    var back = { day: function (to) { var d = day(to); d.setUTCDate(d.getUTCDate() - 42); return iso(d); },
      week: function (to) { var d = day(to); d.setUTCDate(d.getUTCDate() - 7 * 16); return iso(d); },
      month: function (to) { return addMonths(to, -12); } };
    var answer = api('/api/kpis/' + encodeURIComponent(s.kpi) + query(s));
    var history = answer.then(function (a) {
      var from = back[s.grain] ? back[s.grain](a.period.to) : a.period.from;
      return api('/api/kpis/' + encodeURIComponent(s.kpi) + query({ from: from < a.period.from ? from : a.period.from,
        to: a.period.to, segments: s.segments }, { by: s.grain }));
    });
    var series = Promise.all([answer, history, s.segments.length ? [] : restatements()]).then(function (r) {
      var a = r[0], h = r[1];
      setFilters(s, a.period);
      $('kpi-summary').innerHTML = '<strong class="value" data-value="' + (a.value === null ? '' : a.value) + '">' + esc(value(a.value, a.unit)) + '</strong>'
        + (a.value === null ? ' — ' + esc(a.noDataReason) : '')
        + (a.numerator === null ? '' : ' = ' + esc(value(a.numerator, 'count')) + ' / ' + esc(value(a.denominator, 'count')))
        + ' · sample ' + esc(value(a.sampleSize, 'count'))
        + (a.target === null ? '' : ' · target ' + esc(value(a.target, a.unit)) + ' <span style="color:' + COLORS[a.status] + '">' + esc(a.status) + '</span>')
        + ' · ' + esc(a.period.from) + ' to ' + esc(a.period.to);
      var pts = h.series || [];
      // a closed month whose figure changed since it was published: marked on its point, listed below
      var changed = pts.length ? restatedIn(r[2], a.kpi || s.kpi, pts[0].period.from, pts[pts.length - 1].period.to) : [];
      var marks = s.grain === 'month' ? changed.map(function (x) {
        var i = pts.map(function (p) { return p.period.from.slice(0, 7); }).indexOf(x.month);
        return i < 0 ? null : { name: 'restated', coord: [pts[i].period.from, pts[i].value], value: 'R' };
      }).filter(function (m) { return m; }) : [];
      $('series-chart').dataset.restated = changed.map(function (x) { return x.month; }).join(' ');
      $('kpi-restatements').innerHTML = changed.length ? '<strong>Restated:</strong> ' + changed.map(function (x) {
        return '<span class="restatement" data-month="' + esc(x.month) + '">' + esc(restatementText(x, a.unit)) + '</span>';
      }).join('<br>') : '';
      chart('series-chart').setOption({ animation: false, 
        tooltip: { trigger: 'axis' }, grid: { left: 70, right: 20, top: 20, bottom: 40 },
        xAxis: { type: 'category', data: pts.map(function (p) { return p.period.from; }) },
        yAxis: { type: 'value', scale: true, name: a.unit },
        series: [{ name: a.name, type: 'line', data: pts.map(function (p) { return p.value; }), connectNulls: false, showSymbol: true,
          itemStyle: { color: '#4a6fa5' },
          markPoint: { symbol: 'pin', symbolSize: 36, itemStyle: { color: '#d9a400' }, data: marks } }]
          .concat(a.target === null ? [] : [{ name: 'target', type: 'line', symbol: 'none', lineStyle: { type: 'dashed', color: '#8a94a6' },
            data: pts.map(function () { return a.target; }) }])
      }, true);
    });
    var customers = Promise.resolve();
    if (subset) {
      $('csv-download').hidden = false;
      $('csv-download').href = '/api/kpis/' + encodeURIComponent(s.kpi) + '/customers' + query(s, { subset: subset, limit: 100000, format: 'csv' });
      customers = api('/api/kpis/' + encodeURIComponent(s.kpi) + '/customers' + query(s, { subset: subset, limit: 200 })).then(function (t) {
        $('customers-table').innerHTML = '<p>' + esc(t.title) + '</p>' + table(t);
      });
    } else {
      $('csv-download').hidden = true;
      $('customers-table').innerHTML = '<p>This KPI lists no customers.</p>';
    }
    return Promise.all([series, customers]);
  }

  function render() {
    var s = state();
    document.body.dataset.state = 'loading';
    say('');
    var page = s.kpi ? kpiPage(s) : home(s);
    return page.then(function () { document.body.dataset.state = 'ready'; }, function (e) {
      say(e.message, true);
      document.body.dataset.state = 'error';
    });
  }

  $('period-kind').addEventListener('change', function () { showKind(this.value); });
  $('filters').addEventListener('submit', function (e) {
    e.preventDefault();
    document.body.dataset.state = 'loading';
    location.hash = hash(readFilters(state()));
  });
  $('grain').addEventListener('change', function () { var s = state(); s.grain = this.value; location.hash = hash(s); });
  $('subset').addEventListener('change', function () { var s = state(); s.subset = this.value; location.hash = hash(s); });
  window.addEventListener('hashchange', render);
  window.addEventListener('resize', function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });

  Promise.all([api('/api/kpis'), api('/api/segments').catch(function () { return {}; })]).then(function (r) {
    catalogue = r[0];
    buildSegments(r[1]);
    return render();
  }).catch(function (e) { say(e.message, true); document.body.dataset.state = 'error'; });
})();

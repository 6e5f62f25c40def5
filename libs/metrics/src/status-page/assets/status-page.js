// Switchyard status page: polls /v1/stats every second and draws device cards and small canvas
// charts. Hand-written, no dependencies, so the page works without any CDN.
(function () {
  'use strict';

  var POLL_MS = 1000;
  var HISTORY = 120; // points kept per chart: two minutes at one poll per second
  var history = {}; // device id -> [{ t, p50, p99, thr }]
  var cards = {}; // device id -> card element

  function $(sel, root) {
    return (root || document).querySelector(sel);
  }

  function text(el, value) {
    var s = String(value);
    if (el.textContent !== s) el.textContent = s;
  }

  function ms(v) {
    if (v === null || v === undefined) return '-';
    if (v < 1) return (v * 1000).toFixed(0) + ' µs';
    if (v < 100) return v.toFixed(1) + ' ms';
    return v.toFixed(0) + ' ms';
  }

  function bytes(v) {
    if (v === null || v === undefined) return '-';
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return v.toFixed(i ? 1 : 0) + ' ' + units[i];
  }

  function duration(seconds) {
    var s = Math.floor(seconds);
    if (s < 60) return s + 's';
    if (s < 3600) return Math.floor(s / 60) + 'm ' + (s % 60) + 's';
    return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm';
  }

  function niceMax(v) {
    if (!(v > 0)) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * p >= v) return steps[i] * p;
    return 10 * p;
  }

  /** Draws series (arrays of numbers or nulls, one per point) as lines over a light grid. */
  function drawChart(canvas, series, colors, unit) {
    var ratio = window.devicePixelRatio || 1;
    var w = canvas.clientWidth || canvas.width;
    var h = canvas.clientHeight || canvas.height;
    if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
      canvas.width = Math.round(w * ratio);
      canvas.height = Math.round(h * ratio);
    }
    var ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    var top = 0;
    series.forEach(function (s) {
      s.forEach(function (v) {
        if (v !== null && v > top) top = v;
      });
    });
    var max = niceMax(top);
    var pad = { l: 4, r: 4, t: 14, b: 4 };
    var plotW = w - pad.l - pad.r;
    var plotH = h - pad.t - pad.b;
    ctx.strokeStyle = '#26313d';
    ctx.lineWidth = 1;
    for (var g = 0; g <= 2; g++) {
      var gy = pad.t + (plotH * g) / 2 + 0.5;
      ctx.beginPath();
      ctx.moveTo(pad.l, gy);
      ctx.lineTo(w - pad.r, gy);
      ctx.stroke();
    }
    ctx.fillStyle = '#8593a3';
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillText(max + ' ' + unit, pad.l + 2, 10);
    var points = 0;
    series.forEach(function (s, k) {
      ctx.strokeStyle = colors[k];
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      var pen = false;
      s.forEach(function (v, i) {
        if (v === null) {
          pen = false;
          return;
        }
        // The newest point sits at the right edge; history grows leftwards.
        var x = pad.l + (plotW * (HISTORY - s.length + i)) / (HISTORY - 1);
        var y = pad.t + plotH - (plotH * v) / max;
        if (pen) ctx.lineTo(x, y);
        else {
          ctx.moveTo(x, y);
          ctx.fillStyle = colors[k];
          ctx.fillRect(x - 1, y - 1, 2, 2); // a lone point stays visible
        }
        pen = true;
        points++;
      });
      ctx.stroke();
    });
    canvas.dataset.points = String(points);
    canvas.dataset.max = String(top);
  }

  function card(device) {
    var el = cards[device.id];
    if (el) return el;
    el = $('#device-card').content.firstElementChild.cloneNode(true);
    el.dataset.deviceId = device.id;
    text($('.device-id', el), device.id);
    $('#devices').appendChild(el);
    cards[device.id] = el;
    return el;
  }

  function renderDevice(device) {
    var el = card(device);
    el.dataset.usable = String(device.usable);
    text($('.kind', el), device.kind);
    text($('.ep', el), device.executionProvider || 'no EP');
    text($('.device-name', el), device.name + (device.vendor ? ' · ' + device.vendor : ''));
    text($('.unusable', el), device.usable ? '' : 'unusable: ' + (device.reason || 'unknown reason'));
    var health = device.health;
    el.dataset.health = health ? health.state : 'none';
    text($('.badge.health', el), health ? health.state : '');
    text(
      $('.health-reason', el),
      health && health.state !== 'healthy' ? health.reason + ' (since ' + new Date(health.since).toLocaleTimeString() + ')' : '',
    );
    var util = device.utilization;
    var pct = util === null ? null : Math.round(util * 100);
    text($('.util-value', el), pct === null ? '-' : pct + '% (' + device.utilizationSource + ')');
    var fill = $('.bar-fill', el);
    fill.style.width = (pct || 0) + '%';
    fill.dataset.level = pct >= 95 ? 'full' : pct >= 80 ? 'high' : 'ok';
    text($('.queue', el), device.queueDepth);
    text($('.inflight', el), device.inFlight);
    text($('.workers', el), device.workers + ' / ' + device.capacity);
    text($('.throughput', el), device.throughputPerSecond.toFixed(1));
    text($('.p50', el), ms(device.latencyMs.p50));
    text($('.p99', el), ms(device.latencyMs.p99));
    var mem =
      device.memoryUsedBytes === null
        ? bytes(device.memoryTotalBytes)
        : bytes(device.memoryUsedBytes) + ' / ' + bytes(device.memoryTotalBytes);
    text($('.memory', el), mem);
    text($('.device-errors', el), device.errorsTotal);

    var h = history[device.id] || (history[device.id] = []);
    h.push({ p50: device.latencyMs.p50, p99: device.latencyMs.p99, thr: device.throughputPerSecond });
    if (h.length > HISTORY) h.shift();
    var pick = function (key) {
      return h.map(function (p) {
        return p[key];
      });
    };
    drawChart($('.latency-chart', el), [pick('p50'), pick('p99')], ['#4fb3ff', '#ffb347'], 'ms');
    drawChart($('.throughput-chart', el), [pick('thr')], ['#4cd18a'], '/s');
    $('.throughput-chart', el).dataset.last = String(device.throughputPerSecond);
  }

  function renderDecisions(scheduler) {
    text($('#policy'), scheduler.policy);
    text($('#decisions-total'), scheduler.decisionsTotal);
    var body = $('#decisions');
    var rows = scheduler.recentDecisions.map(function (d) {
      var tr = document.createElement('tr');
      var actual = d.actualMs === undefined || d.actualMs === null ? '-' : ms(d.actualMs);
      var cells = [
        new Date(d.at).toLocaleTimeString(),
        d.model,
        d.deviceId,
        d.policy,
        ms(d.predictedMs),
        actual,
        d.outcome || '-',
        d.decisionUs.toFixed(1) + ' µs',
      ];
      cells.forEach(function (v) {
        var td = document.createElement('td');
        td.textContent = v;
        tr.appendChild(td);
      });
      return tr;
    });
    body.replaceChildren.apply(body, rows);
  }

  function render(stats) {
    text($('#completed'), stats.totals.completed);
    text($('#errors'), stats.totals.errors);
    text($('#rejected'), stats.totals.rejected);
    text($('#uptime'), duration(stats.uptimeSeconds));
    stats.devices.forEach(renderDevice);
    renderDecisions(stats.scheduler);
    document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
  }

  function setConnection(state, label) {
    var el = $('#connection');
    el.dataset.state = state;
    text(el, label);
  }

  function poll() {
    fetch('/v1/stats', { cache: 'no-store' })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      })
      .then(function (stats) {
        render(stats);
        setConnection('live', 'live');
      })
      .catch(function (err) {
        setConnection('down', 'disconnected (' + err.message + ')');
      })
      .finally(function () {
        setTimeout(poll, POLL_MS);
      });
  }

  poll();
})();

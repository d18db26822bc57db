/*
 * The inspector page: plain HTML, one stylesheet and one script, all served from the inspector's own
 * paths, so a strict Content Security Policy (`default-src 'none'`; scripts, styles and the event
 * stream from 'self') allows it. No framework and nothing from elsewhere. Everything the page shows
 * goes in with `textContent`: channel names and payload previews come from renderers.
 */

/** The page's Content-Security-Policy: only its own script, stylesheet and event stream. */
export const INSPECTOR_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const INSPECTOR_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ipc-anywhere inspector</title>
<link rel="icon" href="/ipc-anywhere/inspect/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/ipc-anywhere/inspect/inspector.css">
<script src="/ipc-anywhere/inspect/inspector.js" defer></script>
</head>
<body>
<header>
  <h1>ipc-anywhere inspector</h1>
  <span id="status" class="status">connecting…</span>
  <span class="totals"><b id="total-messages">0</b> messages · <b id="total-bytes">0 B</b> · <b id="total-rate">0</b>/s · <b id="total-errors">0</b> errors · up <b id="uptime">0 s</b></span>
</header>
<main>
<section>
  <h2>Renderers <small id="renderer-count"></small></h2>
  <table id="renderers"><thead><tr><th>id</th><th>kind</th><th>URL</th><th>origin</th><th>connected since</th><th>link</th><th class="num">messages</th><th class="num">bytes</th></tr></thead><tbody></tbody></table>
</section>
<section>
  <h2>Channels <small id="channel-count"></small></h2>
  <table id="channels"><thead><tr><th>channel</th><th class="num">in</th><th class="num">out</th><th class="num">bytes</th><th class="num">msg/s</th><th class="num">bytes/s</th><th class="num">errors</th><th>latency (invoke / sendSync)</th><th>histogram</th></tr></thead><tbody></tbody></table>
</section>
<section>
  <h2>Errors and refusals <small id="error-count"></small></h2>
  <table id="errors"><thead><tr><th>time</th><th>renderer</th><th>kind</th><th>channel</th><th>outcome</th><th>code</th><th>message</th></tr></thead><tbody></tbody></table>
</section>
<section>
  <h2>Timeline <small id="timeline-note"></small></h2>
  <div class="controls">
    <input id="filter" type="search" placeholder="filter: channel, kind, renderer id, payload…" autocomplete="off">
    <select id="show"><option value="all">all</option><option value="in">from renderers</option><option value="out">to renderers</option><option value="calls">invoke / sendSync</option><option value="errors">errors only</option></select>
    <label><input id="pause" type="checkbox"> pause</label>
    <button id="clear" type="button">clear</button>
  </div>
  <table id="timeline"><thead><tr><th class="num">#</th><th>time</th><th>renderer</th><th></th><th>kind</th><th>channel</th><th class="num">bytes</th><th class="num">ms</th><th>payload</th></tr></thead><tbody></tbody></table>
</section>
</main>
</body>
</html>
`;

/** The tab's icon (without one the browser asks for /favicon.ico, which may not exist). */
export const INSPECTOR_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#3b6fd8"/>' +
  '<path d="M3 6h8l-2-2M13 10H5l2 2" stroke="#fff" stroke-width="1.6" fill="none"/></svg>';

export const INSPECTOR_CSS = `:root { color-scheme: light dark; --fg: #1d2330; --muted: #6a7385; --bg: #f6f7f9; --panel: #fff;
  --line: #e2e5ea; --accent: #3b6fd8; --ok: #1f8a4c; --warn: #b7791f; --bad: #c53030; }
@media (prefers-color-scheme: dark) { :root { --fg: #e3e6ec; --muted: #98a1b3; --bg: #14171d; --panel: #1c2028;
  --line: #2c323d; --accent: #7aa2f7; --ok: #4fbf7f; --warn: #e0af68; --bad: #f7768e; } }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; padding: 10px 16px;
  background: var(--panel); border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 1; }
h1 { font-size: 15px; margin: 0; }
h2 { font-size: 13px; margin: 0 0 6px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
h2 small { text-transform: none; letter-spacing: 0; font-weight: normal; }
main { padding: 12px 16px; display: grid; gap: 14px; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; vertical-align: middle; }
th { font-weight: 600; color: var(--muted); font-size: 12px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.wrap { white-space: normal; word-break: break-all; max-width: 420px; }
td.payload { font-family: ui-monospace, monospace; font-size: 12px; white-space: normal; word-break: break-all; max-width: 520px; }
td.mono, .mono { font-family: ui-monospace, monospace; font-size: 12px; }
tr.clickable { cursor: pointer; }
tr.clickable:hover { background: color-mix(in srgb, var(--accent) 8%, transparent); }
.status { font-size: 12px; padding: 1px 8px; border-radius: 10px; background: var(--line); }
.status.live { background: color-mix(in srgb, var(--ok) 20%, transparent); color: var(--ok); }
.status.down { background: color-mix(in srgb, var(--bad) 20%, transparent); color: var(--bad); }
.totals { color: var(--muted); }
.totals b { color: var(--fg); }
.state-connected { color: var(--ok); }
.state-suspended { color: var(--warn); }
.state-destroyed { color: var(--muted); text-decoration: line-through; }
.bad { color: var(--bad); }
.warn { color: var(--warn); }
.dir { color: var(--muted); }
.controls { display: flex; gap: 8px; align-items: center; margin-bottom: 6px; }
.controls input[type=search] { flex: 1; max-width: 420px; padding: 4px 8px; border: 1px solid var(--line);
  border-radius: 4px; background: var(--bg); color: var(--fg); }
.hist { display: inline-flex; align-items: flex-end; gap: 1px; height: 22px; }
.hist span { display: inline-block; width: 5px; background: var(--accent); min-height: 1px; opacity: .85; }
.hist span.empty { background: var(--line); }
`;

export const INSPECTOR_JS = String.raw`'use strict';
(function () {
  var BOUNDS = [0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
  var KEEP = 2000, SHOW = 300;
  var entries = [], previous = null, skipped = 0, lost = 0, startedAt = Date.now(), lastRate = 0;
  var $ = function (id) { return document.getElementById(id); };
  var filter = $('filter'), show = $('show'), pause = $('pause');

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function row(cells) {
    var tr = document.createElement('tr');
    for (var i = 0; i < cells.length; i++) {
      var c = cells[i];
      tr.appendChild(c instanceof Node ? wrapCell(c) : el('td', c[0], c[1]));
    }
    return tr;
  }
  function wrapCell(node) { var td = document.createElement('td'); td.appendChild(node); return td; }
  function bytes(n) {
    if (n < 1024) return n + ' B';
    if (n < 1048576) return (n / 1024).toFixed(1) + ' KiB';
    if (n < 1073741824) return (n / 1048576).toFixed(1) + ' MiB';
    return (n / 1073741824).toFixed(2) + ' GiB';
  }
  function ms(n) { return n < 1 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : Math.round(n).toString(); }
  function clock(t) { var d = new Date(t); return d.toLocaleTimeString(undefined, { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0'); }
  function since(t) {
    var s = Math.max(0, Math.round((Date.now() - t) / 1000));
    return s < 60 ? s + ' s' : s < 3600 ? Math.floor(s / 60) + ' min ' + (s % 60) + ' s' : Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  }
  function bound(b) { return b === null ? '> 5 s' : '≤ ' + b + ' ms'; }
  function latency(s) { return s ? 'p50 ' + bound(s.p50Ms) + ' · p99 ' + bound(s.p99Ms) + ' · max ' + ms(s.maxMs) + ' ms (' + s.count + ')' : ''; }
  function channelName(c) { return c === '\u0000other' ? '(other channels)' : c; }
  function replace(tbody, rows) {
    var body = $(tbody).tBodies[0];
    body.replaceChildren.apply(body, rows);
  }

  function histogram(summaries) {
    var box = el('span', null, 'hist');
    var buckets = BOUNDS.map(function () { return 0; }).concat([0]);
    summaries.forEach(function (s) { if (s) s.buckets.forEach(function (n, i) { buckets[i] += n; }); });
    var max = Math.max.apply(null, buckets);
    buckets.forEach(function (n, i) {
      var bar = el('span', null, n === 0 ? 'empty' : '');
      bar.style.height = (max === 0 ? 1 : Math.max(1, Math.round((n / max) * 22))) + 'px';
      bar.title = (i < BOUNDS.length ? '≤ ' + BOUNDS[i] + ' ms' : '> 5000 ms') + ': ' + n;
      box.appendChild(bar);
    });
    return box;
  }

  function renderStats(s) {
    var dt = previous ? (s.time - previous.time) / 1000 : 0;
    var before = {};
    if (previous) previous.channels.forEach(function (c) { before[c.channel] = c; });
    $('total-messages').textContent = s.totals.messages;
    $('total-bytes').textContent = bytes(s.totals.bytes);
    $('total-errors').textContent = s.totals.errors;
    if (dt > 0) lastRate = Math.max(0, (s.totals.messages - previous.totals.messages) / dt);
    $('total-rate').textContent = lastRate.toFixed(1);
    startedAt = s.startedAt;
    $('renderer-count').textContent = s.renderersTotal > s.renderers.length ? '(' + s.renderers.length + ' of ' + s.renderersTotal + ')' : '(' + s.renderersTotal + ')';
    replace('renderers', s.renderers.map(function (r) {
      var tr = row([[r.id, 'num'], [r.type], [r.url, 'wrap'], [r.origin], [(r.sinceExact ? '' : '≤ ') + clock(r.since) + ' (' + since(r.since) + ' ago)'],
        [r.state === 'suspended' ? 'suspended (may resume)' : r.state, 'state-' + r.state], [r.messages, 'num'], [bytes(r.bytes), 'num']]);
      tr.className = 'clickable';
      tr.dataset.renderer = r.id;
      return tr;
    }));
    $('channel-count').textContent = '(' + s.channelsTotal + ')';
    replace('channels', s.channels.map(function (c) {
      var old = before[c.channel], count = c.in + c.out, size = c.bytesIn + c.bytesOut;
      var rate = old && dt > 0 ? (count - old.in - old.out) / dt : 0;
      var byteRate = old && dt > 0 ? (size - old.bytesIn - old.bytesOut) / dt : 0;
      var lat = [latency(c.invoke), latency(c.sendSync)].filter(Boolean).join(' | ');
      var tr = row([[channelName(c.channel), 'mono'], [c.in, 'num'], [c.out, 'num'], [bytes(size), 'num'], [rate.toFixed(1), 'num'],
        [bytes(Math.round(byteRate)), 'num'], [c.errors, c.errors > 0 ? 'num bad' : 'num'], [lat],
        c.invoke || c.sendSync ? histogram([c.invoke, c.sendSync]) : el('span')]);
      tr.className = 'clickable';
      tr.dataset.channel = c.channel;
      return tr;
    }));
    $('error-count').textContent = '(' + s.totals.errors + ')';
    replace('errors', s.errors.slice().reverse().map(function (e) {
      return row([[clock(e.time)], ['#' + e.webContentsId], [e.kind], [e.channel, 'mono'],
        [e.outcome === 'ok' ? 'failed' : e.outcome, e.outcome === 'refused' || e.outcome === 'dropped' ? 'warn' : 'bad'], [e.code || '', 'mono'], [e.error || '', 'wrap']]);
    }));
    previous = s;
  }

  function matches(e, text, mode) {
    var failed = e.outcome !== 'ok' || e.ok === false;
    if (mode === 'in' && e.direction !== 'in') return false;
    if (mode === 'out' && e.direction !== 'out') return false;
    if (mode === 'errors' && !failed) return false;
    if (mode === 'calls' && !/^(invoke|sendSync|invokeReply|syncReply)$/.test(e.kind)) return false;
    if (!text) return true;
    return (e.channel + ' ' + e.kind + ' #' + e.webContentsId + ' ' + e.preview + ' ' + (e.code || '') + ' ' + (e.error || '')).toLowerCase().indexOf(text) !== -1;
  }

  function renderTimeline() {
    var text = filter.value.trim().toLowerCase(), mode = show.value, rows = [];
    for (var i = entries.length - 1; i >= 0 && rows.length < SHOW; i--) {
      var e = entries[i];
      if (!matches(e, text, mode)) continue;
      var failed = e.outcome !== 'ok' || e.ok === false;
      var payload = e.preview;
      if (e.error) payload = (e.code ? '[' + e.code + '] ' : '') + e.error + (payload ? ' · ' + payload : '');
      var tr = row([[e.n, 'num'], [clock(e.time)], ['#' + e.webContentsId], [e.direction === 'in' ? '→ main' : '← main', 'dir'],
        [e.outcome === 'ok' ? e.kind : e.kind + ' (' + e.outcome + ')', failed ? 'bad' : ''], [e.channel, 'mono'], [e.bytes, 'num'],
        [e.durationMs === undefined ? '' : ms(e.durationMs), 'num'], [payload, 'payload']]);
      rows.push(tr);
    }
    replace('timeline', rows);
    var note = entries.length + ' kept, ' + rows.length + ' shown';
    if (skipped + lost > 0) note += ' · ' + (skipped + lost) + ' not received (the page fell behind)';
    $('timeline-note').textContent = '(' + note + ')';
  }

  function addEntries(list) {
    for (var i = 0; i < list.length; i++) entries.push(list[i]);
    if (entries.length > KEEP) entries.splice(0, entries.length - KEEP);
    if (!pause.checked) renderTimeline();
  }

  function setStatus(text, cls) { var s = $('status'); s.textContent = text; s.className = 'status ' + cls; }

  function connect() {
    var source = new EventSource('/ipc-anywhere/inspect/events');
    source.addEventListener('hello', function (event) {
      var hello = JSON.parse(event.data);
      entries = [];
      previous = null;
      setStatus('live', 'live');
      renderStats(hello.snapshot);
      addEntries(hello.entries);
    });
    source.addEventListener('stats', function (event) { renderStats(JSON.parse(event.data)); });
    source.addEventListener('records', function (event) {
      var data = JSON.parse(event.data);
      lost += data.lost;
      addEntries(data.entries);
    });
    source.addEventListener('skipped', function (event) { skipped += Number(event.data) || 0; });
    source.onerror = function () { setStatus(source.readyState === 2 ? 'refused' : 'reconnecting…', 'down'); };
  }

  function pick(text) { filter.value = text; renderTimeline(); }
  $('channels').addEventListener('click', function (event) {
    var tr = event.target.closest('tr[data-channel]');
    if (tr) pick(tr.dataset.channel === '\u0000other' ? '' : tr.dataset.channel);
  });
  $('renderers').addEventListener('click', function (event) {
    var tr = event.target.closest('tr[data-renderer]');
    if (tr) pick('#' + tr.dataset.renderer);
  });
  filter.addEventListener('input', renderTimeline);
  show.addEventListener('change', renderTimeline);
  pause.addEventListener('change', function () { if (!pause.checked) renderTimeline(); });
  $('clear').addEventListener('click', function () { entries = []; skipped = 0; lost = 0; renderTimeline(); });
  setInterval(function () { $('uptime').textContent = since(startedAt); }, 1000);
  connect();
})();
`;

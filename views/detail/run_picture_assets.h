// The inline stylesheet, skeleton and scripts of the run picture (views/run_picture.cpp). They live
// in their own file so that the builder reads as a data model, not as a wall of CSS and script.
#pragma once

namespace views::detail {

// Runs first, in <head>: any script error later on the page is written on the root element
// (data-script-error), where a headless browser's DOM dump shows it, and on the page itself.
inline constexpr const char* kErrorCatcherJs = R"js(
window.addEventListener('error', function (event) {
  const text = String(event.message) + ' (line ' + event.lineno + ')';
  document.documentElement.setAttribute('data-script-error', text);
  const note = document.createElement('pre');
  note.className = 'script-error';
  note.textContent = 'This picture could not be drawn: ' + text;
  if (document.body) document.body.prepend(note);
});
)js";

inline constexpr const char* kRunCss = R"css(
.run { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 12px 14px;
  margin-bottom: 18px; }
.run-head { display: flex; gap: 14px; align-items: baseline; flex-wrap: wrap; margin-bottom: 6px; }
.verdict.failed { background: #cf222e; }
.script-error { background: #ffebe9; color: #82071e; padding: 8px; border-radius: 4px; }
.run-failure { border-left: 4px solid #cf222e; background: #ffebe9; padding: 6px 10px;
  margin: 6px 0 10px; border-radius: 4px; }
.run-failure pre { margin: 4px 0 0; white-space: pre-wrap; word-break: break-word; max-height: 200px;
  overflow: auto; font: 12px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; }
.run-tools { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 6px 0; }
.run-tools button { font: inherit; padding: 1px 10px; border: 1px solid #d0d7de; border-radius: 5px;
  background: #f6f8fa; cursor: pointer; }
.run-tools button:hover { background: #eaeef2; }
.run-tools button[disabled] { color: #8c959f; cursor: default; }
.run-legend { display: flex; gap: 12px; flex-wrap: wrap; color: #57606a; margin: 4px 0 8px; }
.run-legend i { display: inline-block; width: 20px; height: 10px; border-radius: 2px;
  vertical-align: middle; margin-right: 5px; }
.run-chart { display: flex; border: 1px solid #d8dee4; border-radius: 4px; background: #fff; }
.run-labels { flex: none; width: 92px; border-right: 1px solid #d8dee4; background: #f6f8fa; }
.run-labels div { display: flex; align-items: center; padding: 0 8px; color: #57606a;
  border-bottom: 1px solid #eaeef2; white-space: nowrap; overflow: hidden; }
.run-labels .failing { color: #cf222e; font-weight: 600; }
.run-scroll { overflow-x: auto; flex: 1; }
.run-svg { display: block; }
.run-lane { fill: #fff; }
.run-lane.odd { fill: #fafbfc; }
.run-lane.failing { fill: #fff5f5; }
.run-grid { stroke: #eaeef2; }
.run-tick { font-size: 10px; fill: #8c959f; }
.run-role.follower { fill: #d0d7de; }
.run-role.candidate { fill: #f2cc60; }
.run-role.leader { fill: #2da44e; }
.run-role-text { font-size: 10px; font-weight: 600; fill: #24292f; pointer-events: none; }
.run-role-text.leader { fill: #fff; }
.run-band.clog { fill: #bf8700; }
.run-band.disk-stall { fill: #8250df; }
.run-band.disk-slow { fill: #c297ff; }
.run-band.drift { fill: #1b7c83; }
.run-down { fill: rgba(207, 34, 46, .12); stroke: #cf222e; stroke-width: 1; stroke-dasharray: 3 2; }
.run-last { fill: none; stroke: #0969da; stroke-width: 1.4; }
.run-commit { fill: none; stroke: #1a7f37; stroke-width: 1.4; stroke-dasharray: 4 2; }
.run-fault { stroke: #57606a; stroke-width: 2; }
.run-fault-line { stroke: #57606a; stroke-opacity: .45; stroke-dasharray: 2 2; }
.run-op { fill: #dafbe1; stroke: #4ac26b; stroke-width: .6; }
.run-op.pending { fill: #eaeef2; stroke: #8c959f; }
.run-op.unplaced { fill: #cf222e; stroke: #82071e; }
.run-failure-line { stroke: #cf222e; stroke-width: 2; }
.run-failure-text { fill: #cf222e; font-size: 11px; font-weight: 600; pointer-events: none; }
#run-tip { position: fixed; display: none; pointer-events: none; z-index: 10; background: #24292f;
  color: #f6f8fa; padding: 6px 9px; border-radius: 5px; font-size: 12px; max-width: 560px;
  box-shadow: 0 3px 10px rgba(0,0,0,.25); }
#run-tip div { white-space: pre-wrap; word-break: break-word; }
#run-tip div:first-child { font-weight: 600; }
)css";

// What the script fills in.
inline constexpr const char* kRunSkeleton = R"html(<section class="run" id="run">
<header class="run-head"><h2 id="run-title"></h2><span id="run-verdict" class="verdict"></span>
<span class="facts" id="run-facts"></span></header>
<div id="run-failure" class="run-failure" hidden></div>
<div class="run-tools"><button type="button" data-zoom="fit">fit</button>
<button type="button" data-zoom="out">&minus;</button><button type="button" data-zoom="in">+</button>
<button type="button" data-zoom="failure">the failure</button>
<span class="facts">Hover a lane: the server's role, term, last log index and commit index at
that time. Ctrl + wheel zooms.</span></div>
<div class="run-legend">
<span><i style="background:#d0d7de"></i>follower</span>
<span><i style="background:#f2cc60"></i>candidate</span>
<span><i style="background:#2da44e"></i>leader (L3: term 3)</span>
<span><i style="background:rgba(207,34,46,.12);border:1px dashed #cf222e"></i>down</span>
<span><i style="background:#1f6feb"></i><i style="background:#db61a2"></i>partitioned or cut
off (a colour per group; slate: isolated)</span>
<span><i style="background:#bf8700"></i>clogged</span>
<span><i style="background:#8250df"></i>disk stalled</span>
<span><i style="background:#c297ff"></i>disk slow</span>
<span><i style="background:#1b7c83"></i>clock drift</span>
<span><i style="height:0;border-top:2px solid #0969da"></i>last log index</span>
<span><i style="height:0;border-top:2px dashed #1a7f37"></i>commit index</span>
<span><i style="background:#dafbe1;border:1px solid #4ac26b"></i>client operation</span>
<span><i style="background:#cf222e"></i>cannot be linearized</span>
<span><i style="width:3px;background:#cf222e"></i>failure</span>
</div>
<div class="run-chart"><div class="run-labels"></div><div class="run-scroll"></div></div>
</section>
<div id="run-tip"></div>
<noscript>This picture is drawn by its script: allow scripts for this file.</noscript>
)html";

// Draws the run from the `run-data` JSON (views::run_picture_json) as one SVG: a ruler, a lane
// per server (bands, role bars, down spans, last log and commit index lines), the faults, a row
// per client and the failure line. Zoom redraws at another scale.
inline constexpr const char* kRunJs = R"js(
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('run-data').textContent);
  const root = document.getElementById('run');
  const labels = root.querySelector('.run-labels');
  const scroll = root.querySelector('.run-scroll');
  const tip = document.getElementById('run-tip');
  const SVG = 'http://www.w3.org/2000/svg';
  const RULER = 24, LANE = 50, FAULTS = 26, ROW = 10;
  const end = Math.max(data.end_ns, 1);
  const failure = data.failure;
  // What the failure button shows: where the failure was found, or for a history that cannot be
  // linearized (found when the run is over) the first operation that cannot be placed.
  let focus = failure ? failure.at_ns : 0;
  data.operations.forEach(function (op) { if (op[4] && op[1] < focus) focus = op[1]; });
  const failureLabel = failure ? failure.status +
      (failure.property && failure.property !== failure.status ? ': ' + failure.property : '') : '';
  const failing = new Set(failure ? failure.nodes : []);
  const clients = Array.from(new Set(data.operations.map(function (op) { return op[0]; })))
      .sort(function (a, b) { return a - b; });
  const rowOf = new Map(clients.map(function (client, row) { return [client, row]; }));
  const faultsTop = RULER + data.servers.length * LANE;
  const clientsTop = faultsTop + FAULTS;
  const height = clientsTop + (clients.length ? clients.length * ROW + 6 : 0);
  let indexMax = 1;
  data.servers.forEach(function (server) {
    [server.last_index, server.commit_index].forEach(function (series) {
      for (let i = 1; i < series.length; i += 2) indexMax = Math.max(indexMax, series[i]);
    });
  });
  let scale = 1;  // pixels per simulated nanosecond
  let svg = null;

  function time(ns) {
    const a = Math.abs(ns);
    if (a >= 1e9) return (ns / 1e9).toFixed(3) + ' s';
    if (a >= 1e6) return (ns / 1e6).toFixed(3) + ' ms';
    if (a >= 1e3) return (ns / 1e3).toFixed(3) + ' us';
    return Math.round(ns) + ' ns';
  }
  function shape(name, attrs, text) {
    const el = document.createElementNS(SVG, name);
    for (const key in attrs) el.setAttribute(key, attrs[key]);
    if (text !== undefined) el.textContent = text;
    svg.appendChild(el);
    return el;
  }
  function element(tag, className, parent, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    parent.appendChild(el);
    return el;
  }
  function x(ns) { return ns * scale; }
  function width(from, to) { return Math.max(x(to) - x(from), 1); }
  // The same group label gets the same colour on every lane, from a palette that the other
  // bands do not use; a server cut off from all the others is always slate.
  const GROUP_COLOURS = ['#1f6feb', '#db61a2', '#57c4e5', '#ff7b72', '#2ec5b6', '#a0d15a'];
  function groupColour(label) {
    if (label === 'isolated') return '#6e7781';
    let h = 7;
    for (let i = 0; i < label.length; ++i) h = (h * 31 + label.charCodeAt(i)) % 1009;
    return GROUP_COLOURS[h % GROUP_COLOURS.length];
  }
  // The value of a flat [time, value, ...] step series at t: null before its first point.
  function valueAt(series, t) {
    let lo = 0, hi = series.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (series[2 * mid] <= t) lo = mid + 1; else hi = mid;
    }
    return lo === 0 ? null : series[2 * lo - 1];
  }
  function spanAt(spans, t) {
    for (let i = 0; i < spans.length; ++i) if (spans[i][0] <= t && t < spans[i][1]) return spans[i];
    return null;
  }
  function stepPath(series, top, bottom) {
    let d = '';
    let pen = false;
    for (let i = 0; i < series.length; i += 2) {
      const value = series[i + 1];
      const next = i + 2 < series.length ? series[i + 2] : end;
      if (value < 0) { pen = false; continue; }
      const y = (bottom - (bottom - top) * value / indexMax).toFixed(1);
      d += (pen ? 'V' : 'M' + x(series[i]).toFixed(1) + ' ') + y + 'H' + x(next).toFixed(1);
      pen = true;
    }
    return d;
  }
  // A ruler time in the unit of the step, without trailing zeros: "1.5 s", "200 ms".
  function tickLabel(ns, step) {
    const units = [[1e9, ' s'], [1e6, ' ms'], [1e3, ' us'], [1, ' ns']];
    for (const unit of units) {
      if (step >= unit[0] || unit[0] === 1) {
        return parseFloat((ns / unit[0]).toFixed(3)) + unit[1];
      }
    }
    return ns + ' ns';
  }
  function tickStep() {
    const raw = 110 / scale;
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
    return 10 * power;
  }

  function drawLabels() {
    labels.replaceChildren();
    element('div', '', labels, 'time').style.height = RULER + 'px';
    data.servers.forEach(function (server, i) {
      const div = element('div', failing.has(i) ? 'failing' : '', labels, server.name);
      div.style.height = LANE + 'px';
      if (failing.has(i)) div.title = 'named by the failure';
    });
    element('div', '', labels, 'faults').style.height = FAULTS + 'px';
    if (clients.length) {
      element('div', '', labels, clients.length + ' clients').style.height =
          (clients.length * ROW + 6) + 'px';
    }
  }

  function draw() {
    scroll.replaceChildren();
    const full = Math.ceil(Math.max(x(end) + 60, scroll.clientWidth || 0));
    svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'run-svg');
    svg.setAttribute('width', full);
    svg.setAttribute('height', height);
    scroll.appendChild(svg);
    const step = tickStep();
    for (let t = 0; t <= end; t += step) {
      shape('line', {x1: x(t), x2: x(t), y1: RULER - 6, y2: height, class: 'run-grid'});
      shape('text', {x: x(t) + 3, y: 14, class: 'run-tick'}, tickLabel(t, step));
    }
    data.servers.forEach(function (server, i) {
      const top = RULER + i * LANE;
      shape('rect', {x: 0, y: top, width: full, height: LANE,
                     class: 'run-lane' + (failing.has(i) ? ' failing' : i % 2 ? ' odd' : '')});
      // Partitions on the top strip, the other bands (clogs, disks, clocks) on the one below.
      server.bands.forEach(function (band) {
        const partition = band[2] === 'partition';
        const r = shape('rect', {x: x(band[0]), y: top + (partition ? 2 : 7), width:
                                 width(band[0], band[1]), height: 5, class: 'run-band ' + band[2],
                                 'data-tip': band[3] + ' (' + time(band[0]) + ' to ' +
                                     time(band[1]) + ')'});
        if (partition) r.setAttribute('style', 'fill:' + groupColour(band[3]));
      });
      server.roles.forEach(function (role) {
        const w = width(role[0], role[1]);
        shape('rect', {x: x(role[0]), y: top + 13, width: w, height: 16,
                       class: 'run-role ' + role[2],
                       'data-tip': role[2] + ' term ' + role[3] + ' (' + time(role[0]) + ' to ' +
                           time(role[1]) + ')'});
        const text = role[2].charAt(0).toUpperCase() + role[3];
        if (w > 8 * text.length) {
          shape('text', {x: x(role[0]) + 3, y: top + 25, class: 'run-role-text ' + role[2]}, text);
        }
      });
      shape('path', {d: stepPath(server.last_index, top + 32, top + LANE - 3), class: 'run-last'});
      shape('path', {d: stepPath(server.commit_index, top + 32, top + LANE - 3),
                     class: 'run-commit'});
      server.down.forEach(function (down) {
        shape('rect', {x: x(down[0]), y: top + 1, width: width(down[0], down[1]),
                       height: LANE - 2, class: 'run-down',
                       'data-tip': 'down (' + time(down[0]) + ' to ' + time(down[1]) + ')'});
      });
    });
    data.faults.forEach(function (fault) {
      const at = x(fault[0]);
      if (fault[1] >= 0) {
        const top = RULER + fault[1] * LANE;
        shape('line', {x1: at, x2: at, y1: top, y2: top + LANE, class: 'run-fault-line'});
      }
      shape('line', {x1: at, x2: at, y1: faultsTop + 4, y2: faultsTop + FAULTS - 4,
                     class: 'run-fault', 'data-tip': fault[2] + ' at ' + time(fault[0]) + '\n' +
                         fault[3]});
    });
    data.operations.forEach(function (op) {
      const top = clientsTop + rowOf.get(op[0]) * ROW + 2;
      const returned = op[2] !== null;
      shape('rect', {x: x(op[1]), y: top, width: width(op[1], returned ? op[2] : end),
                     height: ROW - 3,
                     class: 'run-op' + (returned ? '' : ' pending') + (op[4] ? ' unplaced' : ''),
                     'data-tip': 'client ' + op[0] + ': ' + op[3] + '\ncalled at ' + time(op[1]) +
                         ', ' + (returned ? 'returned at ' + time(op[2]) : 'outcome unknown') +
                         (op[5] ? '\nanswered by ' + op[5] : '') +
                         (op[4] ? '\ncannot be placed after the longest partial linearization'
                                : '')});
    });
    if (failure) {
      const at = x(failure.at_ns);
      shape('line', {x1: at, x2: at, y1: 2, y2: height, class: 'run-failure-line',
                     'data-tip': failureLabel + ' at ' + time(failure.at_ns)});
      // Its label on the side with room.
      const right = at + 260 < full;
      shape('text', {x: right ? at + 4 : at - 4, y: RULER - 4, class: 'run-failure-text',
                     'text-anchor': right ? 'start' : 'end'},
            failureLabel);
    }
    document.documentElement.setAttribute('data-run-picture', 'drawn');
  }

  function view() { return scroll.clientWidth || 1000; }
  function fitScale() { return Math.max((view() - 60) / end, 1e-12); }
  // At most two million pixels wide, and never more than ten pixels a microsecond.
  function scaleMax() { return Math.max(fitScale(), Math.min(2e6 / end, 1e-2)); }
  function centre() { return (scroll.scrollLeft + view() / 2) / scale; }
  function zoom(to, around, offset) {
    scale = Math.min(Math.max(to, fitScale()), scaleMax());
    draw();
    scroll.scrollLeft = Math.max(0, x(around) - offset);
  }

  function header() {
    document.getElementById('run-title').textContent = data.title;
    const verdict = document.getElementById('run-verdict');
    verdict.textContent = failure ? failure.status : 'ok';
    verdict.classList.add(failure ? 'failed' : 'ok');
    document.getElementById('run-facts').textContent = data.servers.length + ' servers, ' +
        time(data.end_ns) + ' simulated, ' + data.faults.length + ' fault events, ' +
        data.operations.length + ' client operations';
    const box = document.getElementById('run-failure');
    if (failure) {
      box.hidden = false;
      element('strong', '', box, failure.property + ' at ' + time(failure.at_ns) +
          (failure.nodes.length ? ', on ' + failure.nodes.map(function (n) {
            return n < data.servers.length ? data.servers[n].name : 'node ' + n;
          }).join(', ') : ''));
      element('pre', '', box, failure.message);
    } else {
      root.querySelector('[data-zoom="failure"]').disabled = true;
    }
  }

  root.querySelector('.run-tools').addEventListener('click', function (event) {
    const button = event.target.closest('button');
    if (!button) return;
    const what = button.dataset.zoom;
    if (what === 'fit') zoom(fitScale(), 0, 0);
    if (what === 'in') zoom(scale * 2, centre(), view() / 2);
    if (what === 'out') zoom(scale / 2, centre(), view() / 2);
    if (what === 'failure' && failure) {
      zoom(view() / Math.min(end, 2e9), focus, view() / 2);
    }
  });
  scroll.addEventListener('wheel', function (event) {
    if (!event.ctrlKey) return;
    event.preventDefault();
    const offset = event.clientX - scroll.getBoundingClientRect().left;
    const at = (scroll.scrollLeft + offset) / scale;
    zoom(event.deltaY < 0 ? scale * 1.25 : scale / 1.25, at, offset);
  }, {passive: false});
  scroll.addEventListener('mousemove', function (event) {
    const box = svg.getBoundingClientRect();
    const t = (event.clientX - box.left) / scale;
    const lane = Math.floor((event.clientY - box.top - RULER) / LANE);
    const lines = [];
    if (event.clientY - box.top >= RULER && lane >= 0 && lane < data.servers.length) {
      const server = data.servers[lane];
      const role = spanAt(server.roles, t);
      const state = spanAt(server.down, t) ? 'down' : role ? role[2] + ' term ' + role[3] :
          'no role yet';
      const last = valueAt(server.last_index, t), commit = valueAt(server.commit_index, t);
      const known = function (v) { return v === null || v < 0 ? 'unknown' : String(v); };
      lines.push(server.name + ' at ' + time(t) + ': ' + state);
      lines.push('last log index ' + known(last) + ', commit index ' + known(commit));
    } else if (t >= 0 && t <= end) {
      lines.push(time(t));
    }
    const target = event.target.closest('[data-tip]');
    if (target) lines.push(target.getAttribute('data-tip'));
    if (!lines.length) { tip.style.display = 'none'; return; }
    tip.replaceChildren();
    lines.forEach(function (line) { element('div', '', tip, line); });
    tip.style.display = 'block';
    tip.style.left = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 8) + 'px';
    tip.style.top = (event.clientY + 18 + tip.offsetHeight > window.innerHeight ?
        event.clientY - tip.offsetHeight - 10 : event.clientY + 18) + 'px';
  });
  scroll.addEventListener('mouseleave', function () { tip.style.display = 'none'; });

  header();
  drawLabels();
  scale = fitScale();
  draw();
})();
)js";

}  // namespace views::detail

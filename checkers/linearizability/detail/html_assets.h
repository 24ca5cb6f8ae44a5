// The inline stylesheet and script of the history picture (history_html.cpp). They live in their
// own file so that the renderer reads as layout, not as a wall of CSS.
#pragma once

namespace checkers::linearizability::detail {

inline constexpr const char* kHistoryCss = R"css(
* { box-sizing: border-box; }
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; padding: 16px 20px;
  color: #1f2328; background: #f6f8fa; }
h1 { font-size: 18px; margin: 0 0 12px; }
h2 { font-size: 15px; margin: 0; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
.history { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 12px 14px;
  margin-bottom: 18px; }
.history > header { display: flex; gap: 14px; align-items: baseline; flex-wrap: wrap;
  margin-bottom: 8px; }
.facts { color: #57606a; }
.verdict { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600;
  font-size: 12px; color: #fff; }
.verdict.ok { background: #1a7f37; } .verdict.illegal { background: #cf222e; }
.verdict.unknown { background: #9a6700; }
.legend { display: flex; gap: 14px; flex-wrap: wrap; color: #57606a; margin: 4px 0 10px; }
.legend span.swatch { display: inline-block; width: 22px; height: 11px; border-radius: 3px;
  vertical-align: middle; margin-right: 5px; }
details.partition { border-top: 1px solid #d8dee4; padding: 8px 0 4px; }
details.partition > summary { cursor: pointer; font-weight: 600; }
details.partition > summary .facts { font-weight: 400; margin-left: 8px; }
.chart { display: flex; margin: 8px 0; border: 1px solid #d8dee4; border-radius: 4px; background: #fff; }
.labels { flex: none; width: 86px; border-right: 1px solid #d8dee4; background: #f6f8fa; }
.labels div { border-bottom: 1px solid #eaeef2; padding: 0 8px; color: #57606a; white-space: nowrap;
  display: flex; align-items: center; }
.labels .ruler-label { height: 22px; font-size: 11px; }
.scroll { overflow-x: auto; flex: 1; }
.timeline { position: relative; }
.ruler { position: absolute; left: 0; top: 0; height: 22px; right: 0; border-bottom: 1px solid #d8dee4; }
.tick { position: absolute; top: 3px; font-size: 10px; color: #8c959f; white-space: nowrap;
  border-left: 1px solid #d0d7de; padding-left: 3px; height: 19px; }
.lane { position: absolute; left: 0; right: 0; border-bottom: 1px solid #eaeef2; }
.lane.odd { background: #fafbfc; }
.op { position: absolute; height: 20px; border-radius: 4px; padding: 0 5px; font-size: 11px;
  line-height: 20px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; cursor: default;
  font-family: ui-monospace, "DejaVu Sans Mono", monospace; background: #eaeef2; color: #24292f;
  border: 1px solid #afb8c1; }
.ok .op { background: #dafbe1; border-color: #4ac26b; }
.op.pending { border-right: 2px dashed #8c959f; background-image: linear-gradient(90deg,
  rgba(255,255,255,0) 60%, rgba(255,255,255,.9)); }
.illegal .op { background: #f6f8fa; color: #57606a; border-color: #d0d7de; }
.illegal .op.linearized { background: #ddf4ff; color: #0a3069; border-color: #54aeff; }
.illegal .op.unplaced { background: #ffebe9; color: #82071e; border-color: #ff8182; }
.illegal .op.unplaced.due { background: #cf222e; color: #fff; border: 2px solid #82071e; font-weight: 600; }
.op .order { display: inline-block; min-width: 16px; padding: 0 3px; margin-right: 4px;
  border-radius: 8px; background: #0969da; color: #fff; text-align: center; line-height: 15px;
  font-size: 10px; font-weight: 600; }
.op.hover, li.hover { outline: 2px solid #bf8700; outline-offset: 1px; z-index: 5; }
.explain { display: flex; gap: 28px; flex-wrap: wrap; margin: 4px 0 8px; }
.explain h3 { font-size: 13px; margin: 6px 0; }
.explain ol, .explain ul { margin: 0; padding-left: 26px; max-height: 320px; overflow-y: auto; }
.explain li { padding: 1px 4px; border-radius: 3px; }
.explain .state { color: #57606a; }
.explain .unplaced-list li { color: #82071e; }
.explain .unplaced-list li.due { font-weight: 600; }
#tip { position: fixed; display: none; pointer-events: none; z-index: 10; background: #24292f;
  color: #f6f8fa; padding: 6px 9px; border-radius: 5px; font-size: 12px; max-width: 520px;
  box-shadow: 0 3px 10px rgba(0,0,0,.25); }
#tip div { white-space: pre-wrap; word-break: break-all; }
#tip .title { font-weight: 600; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
)css";

// Hovering an operation (a bar or a list item) highlights it everywhere in its partition and shows
// its details, including the model state after it when it was placed in a linearization.
inline constexpr const char* kHistoryJs = R"js(
(function () {
  const tip = document.getElementById('tip');
  let lit = [];
  function line(text, cls) {
    const div = document.createElement('div');
    div.textContent = text;
    if (cls) div.className = cls;
    tip.appendChild(div);
  }
  document.addEventListener('mouseover', function (event) {
    lit.forEach(function (el) { el.classList.remove('hover'); });
    lit = [];
    const target = event.target.closest('[data-op]');
    if (!target) { tip.style.display = 'none'; return; }
    const partition = target.closest('.partition');
    lit = Array.from(partition.querySelectorAll('[data-op="' + target.dataset.op + '"]'));
    lit.forEach(function (el) { el.classList.add('hover'); });
    const bar = partition.querySelector('.op[data-op="' + target.dataset.op + '"]');
    tip.replaceChildren();
    line('#' + bar.dataset.op + '  ' + bar.dataset.label, 'title');
    line('client ' + bar.dataset.client + ', called at ' + bar.dataset.call + ' ns, ' +
         (bar.dataset.return ? 'returned at ' + bar.dataset.return + ' ns' : 'outcome unknown'));
    if (bar.dataset.answer) line('answered by ' + bar.dataset.answer);
    if (bar.dataset.order) line('linearized ' + bar.dataset.order + (bar.dataset.of ? ' of ' + bar.dataset.of : ''));
    if (bar.dataset.state !== undefined) line('state after: ' + bar.dataset.state);
    if (bar.classList.contains('unplaced')) line('cannot be placed after the longest partial linearization');
    tip.style.display = 'block';
  });
  // Scroll each illegal partition's timeline to the operation that cannot be placed.
  document.querySelectorAll('.partition.illegal .op.due').forEach(function (bar) {
    const scroll = bar.closest('.scroll');
    scroll.scrollLeft = Math.max(0, bar.offsetLeft - scroll.clientWidth / 2);
  });
  document.addEventListener('mousemove', function (event) {
    const x = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    const y = event.clientY + 18 + tip.offsetHeight > window.innerHeight ?
        event.clientY - tip.offsetHeight - 10 : event.clientY + 18;
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  });
})();
)js";

}  // namespace checkers::linearizability::detail

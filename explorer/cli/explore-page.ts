/**
 * The page `luocheck explore` serves: one HTML document with its style and
 * script inline (nothing else is fetched but the server's own /api/state).
 * The script keeps the path in the address (?path=0.3.1), so a position can
 * be shared, reloaded, and walked with the browser's back and forward too.
 */
import { LANE_COLORS, PAGE_STYLE, esc } from '../render/html-parts.js';

const STYLE = `
main { max-width: 1400px; }
.bar { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 14px; background: var(--card); border: 1px solid var(--line); border-top: 4px solid var(--accent); border-radius: 8px; padding: 12px 18px; margin-bottom: 14px; }
.bar h1 { font-size: 18px; margin: 0; }
.bar .chip { font-size: 11px; }
.layout { display: grid; grid-template-columns: minmax(340px, 5fr) 7fr; gap: 16px; align-items: start; }
@media (max-width: 900px) { .layout { grid-template-columns: 1fr; } }
.nav { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-bottom: 10px; }
.nav .depth { color: var(--muted); font-size: 13px; margin-left: auto; }
ol.trail { list-style: none; margin: 0; padding: 0; font: 12px var(--mono); max-height: 420px; overflow: auto; position: relative; }
ol.trail li { position: relative; padding: 3px 6px 3px 2.8em; border-left: 3px solid var(--line); cursor: pointer; }
ol.trail li:hover { background: #f3f6fb; }
ol.trail li.here { border-left-color: var(--accent); background: #eef3fb; font-weight: 600; }
ol.trail li .n { color: var(--muted); position: absolute; left: 6px; }
ol.trail li .p { color: var(--lane, var(--ink)); }
.acts { display: flex; flex-direction: column; gap: 6px; }
button.act { text-align: left; display: grid; grid-template-columns: 3.2em 1fr; gap: 2px 8px; padding: 7px 10px; }
button.act .proc { grid-row: span 2; font: 600 12px var(--mono); color: var(--lane, var(--accent)); background: #eef3fb; background: color-mix(in srgb, var(--lane, #2456a6) 12%, #fff); border-radius: 4px; text-align: center; padding: 3px 0; align-self: start; }
button.act .label { font: 13px var(--mono); }
button.act .fn { font: 11px var(--mono); color: var(--muted); }
button.act.on-trace { border-color: var(--race); box-shadow: inset 3px 0 0 var(--race); }
button.act .tr { color: var(--race); font-weight: 600; font-family: var(--sans); }
.none { color: var(--muted); font-style: italic; }
.alert { border-radius: 8px; padding: 10px 14px; margin-bottom: 14px; display: none; }
.alert.on { display: block; }
.alert.bad { background: var(--bad-bg); border: 1px solid #f2b8b5; border-left: 4px solid var(--bad); }
.alert.ok { background: var(--good-bg); border: 1px solid #b7dfc3; border-left: 4px solid var(--good); }
.alert.err { background: #fff; border: 1px solid var(--bad); color: var(--bad); }
table.verdicts { border-collapse: collapse; width: 100%; font-size: 13px; }
table.verdicts td { padding: 3px 8px 3px 0; border-bottom: 1px solid #eef0f3; vertical-align: top; }
table.verdicts td.id { font-family: var(--mono); white-space: nowrap; }
table.verdicts td.kind { color: var(--muted); font-size: 11px; }
.vd { font-weight: 600; font-size: 11px; padding: 1px 7px; border-radius: 10px; white-space: nowrap; }
tr[data-verdict="holds"] .vd { background: var(--good-bg); color: var(--good); }
tr[data-verdict="violated"] .vd { background: var(--bad); color: #fff; }
tr[data-verdict="not-judged"] .vd { background: #eef1f5; color: var(--muted); }
tr[data-verdict="violated"] td { background: var(--bad-bg); }
td.msg { color: var(--bad); }
tr[data-verdict="not-judged"] td.msg { color: var(--muted); }
.steplabel { font: 13px var(--mono); margin: 0 0 8px; }
`;

const SCRIPT = `
const info = JSON.parse(document.getElementById('info').textContent);
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const show = (v) => (v === undefined ? '-' : JSON.stringify(v));
const COLORS = JSON.parse(document.getElementById('colors').textContent);
/** A process's colour: by its name, so it is the same on every page. */
const lane = (p) => { let h = 0; for (const c of p) h = (h * 31 + c.charCodeAt(0)) >>> 0; return '--lane:' + COLORS[h % COLORS.length]; };
let cur = null;
let forward = [];
let seq = 0;
const trace = info.trace;
const onTrace = (path) => trace && path.length <= trace.path.length && path.every((x, i) => x === trace.path[i]);

async function go(path, how) {
  const mine = ++seq;
  document.body.dataset.loading = '1';
  const r = await fetch('api/state?path=' + path.join('.'));
  const j = await r.json();
  if (mine !== seq) return;
  delete document.body.dataset.loading;
  if (!r.ok) { $('error').textContent = j.error; $('error').classList.add('on'); return; }
  $('error').classList.remove('on');
  cur = j;
  const q = '?path=' + j.path.join('.');
  if (how === 'push') history.pushState({ path: j.path }, '', q);
  else if (how === 'replace') history.replaceState({ path: j.path }, '', q);
  render(j);
  document.body.dataset.path = j.path.join('.');
}

function render(p) {
  $('depth').textContent = p.depth === 0 ? 'initial state' : 'depth ' + p.depth;
  $('back').disabled = p.path.length < 2;
  $('fwd').disabled = !(forward.length > 0 || (onTrace(p.path) && p.path.length < trace.path.length));
  const trail = ['<li data-depth="0" class="' + (p.depth === 0 ? 'here' : '') + '"><span class="n">0</span>initial state</li>'];
  p.trail.forEach((t, i) => trail.push('<li data-depth="' + (i + 1) + '" class="' + (i + 1 === p.depth ? 'here' : '') + '"><span class="n">' + (i + 1) + '</span><b class="p" style="' + lane(t.process) + '">' + esc(t.process) + '</b>: ' + esc(t.label) + '</li>'));
  $('trail').innerHTML = trail.join('');
  const here = $('trail').querySelector('li.here');
  if (here) $('trail').scrollTop = Math.max(0, here.offsetTop - $('trail').offsetTop - $('trail').clientHeight + here.offsetHeight + 8);
  const next = onTrace(p.path) && p.path.length < trace.path.length ? trace.path[p.path.length] : -1;
  $('actions').innerHTML = p.actions.length === 0
    ? '<p class="none">' + (p.deadlock ? 'No action is enabled, and the model does not accept this state as an end (deadlock).' : 'No action is enabled: a terminal state.') + '</p>'
    : p.actions.map((a) => '<button type="button" class="act' + (a.index === next ? ' on-trace' : '') + '" data-index="' + a.index + '" data-process="' + esc(a.process) + '" data-label="' + esc(a.label) + '">' +
        '<span class="proc" style="' + lane(a.process) + '">' + esc(a.process) + '</span><span class="label">' + esc(a.label) + (a.index === next ? ' <span class="tr">(trace)</span>' : '') + '</span>' +
        '<span class="fn">' + esc(a.kind) + (a.pc ? ' · ' + esc(a.pc) : '') + '</span></button>').join('');
  const bad = p.verdicts.filter((v) => v.verdict === 'violated');
  const alert = $('status');
  alert.className = 'alert on ' + (bad.length || p.deadlock ? 'bad' : 'ok');
  alert.innerHTML = bad.length
    ? bad.map((v) => '<b>' + esc(v.id) + '</b> is violated ' + (v.kind === 'step' ? 'by the step into this state' : 'in this state') + ': ' + esc(v.message)).join('<br>')
    : p.deadlock ? '<b>deadlock</b>: no process can move, and the model does not accept this state as an end.'
    : 'Every invariant judged here holds.';
  $('verdicts').innerHTML = p.verdicts.map((v) => '<tr class="verdict" data-id="' + esc(v.id) + '" data-verdict="' + v.verdict + '"><td class="id">' + esc(v.id) + '</td><td class="kind">' + v.kind + '</td><td><span class="vd">' +
    (v.verdict === 'holds' ? 'holds' : v.verdict === 'violated' ? 'VIOLATED' : 'not judged') + '</span></td><td class="msg">' + esc(v.message || '') + '</td></tr>').join('');
  $('steplabel').innerHTML = p.step ? esc(p.step.process) + ': ' + esc(p.step.label) + ' <span class="muted">(' + esc(p.step.kind) + (p.step.pc ? ' · ' + esc(p.step.pc) : '') + ')</span>' : '<span class="muted">No step yet: this is an initial state.</span>';
  $('changes').innerHTML = !p.step ? '' : p.changes.length === 0 ? '<p class="nochange">No change to the state.</p>'
    : '<table class="diff"><thead><tr><th>field</th><th>before</th><th></th><th>after</th></tr></thead><tbody>' + p.changes.map((c) =>
      '<tr class="change" data-path="' + esc(c.path) + '" data-before="' + esc(show(c.before)) + '" data-after="' + esc(show(c.after)) + '"><td class="path">' + esc(c.path) + '</td><td class="before">' + esc(show(c.before)) + '</td><td class="arrow">→</td><td class="after">' + esc(show(c.after)) + '</td></tr>').join('') + '</tbody></table>';
  $('tree').innerHTML = p.stateHtml;
  if (trace) {
    const here = onTrace(p.path) ? p.path.length - 1 : -1;
    $('tracesteps').innerHTML = trace.steps.map((t, i) => '<li data-depth="' + (i + 1) + '" class="' + (i + 1 === here ? 'here' : '') + '"><span class="n">' + (i + 1) + '</span><b class="p" style="' + lane(t.process) + '">' + esc(t.process) + '</b>: ' + esc(t.action) + '</li>').join('');
  }
}

$('actions').addEventListener('click', (e) => {
  const b = e.target.closest('button.act');
  if (!b || !cur) return;
  const k = Number(b.dataset.index);
  if (forward.length > 0 && forward[0] === k) forward.shift(); else forward = [];
  go([...cur.path, k], 'push');
});
$('back').addEventListener('click', () => { if (cur && cur.path.length > 1) { forward.unshift(cur.path[cur.path.length - 1]); go(cur.path.slice(0, -1), 'push'); } });
$('fwd').addEventListener('click', () => {
  if (!cur) return;
  if (forward.length > 0) go([...cur.path, forward.shift()], 'push');
  else if (onTrace(cur.path) && cur.path.length < trace.path.length) go(trace.path.slice(0, cur.path.length + 1), 'push');
});
$('restart').addEventListener('click', () => { forward = []; go([cur ? cur.path[0] : 0], 'push'); });
$('trail').addEventListener('click', (e) => {
  const li = e.target.closest('li');
  if (!li || !cur) return;
  const d = Number(li.dataset.depth);
  forward = cur.path.slice(d + 1);
  go(cur.path.slice(0, d + 1), 'push');
});
if (trace) $('tracesteps').addEventListener('click', (e) => {
  const li = e.target.closest('li');
  if (li) { forward = []; go(trace.path.slice(0, Number(li.dataset.depth) + 1), 'push'); }
});
window.addEventListener('popstate', (e) => { if (e.state && e.state.path) go(e.state.path, 'none'); });
document.addEventListener('keydown', (e) => {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  if (e.key === 'ArrowLeft') $('back').click();
  if (e.key === 'ArrowRight') $('fwd').click();
});
const start = new URLSearchParams(location.search).get('path');
go(start ? start.split('.').map(Number) : trace ? [trace.path[0]] : [0], 'replace');
`;

/** What the page needs to know once: the model, scope, variant, invariants and the loaded trace. */
export interface ExploreInfo {
  model: string;
  scope: string;
  variantName: string;
  /** "switch=value" for every switch that differs from the model's fixed preset. */
  fromFixed: string[];
  invariants: { id: string; title: string; kind: string; source: string }[];
  trace?: { file: string; invariant: string; steps: { process: string; action: string }[]; path: number[] };
}

export function explorePage(info: ExploreInfo): string {
  const chips = info.fromFixed.map((d) => `<span class="chip">${esc(d)}</span>`).join(' ');
  const variant = info.fromFixed.length ? `variant <b>${esc(info.variantName)}</b> <span class="muted">differs from fixed in</span> ${chips}` : `variant <b>${esc(info.variantName)}</b>`;
  const trace = info.trace
    ? `<section class="tracebox"><h2>Loaded trace: ${esc(info.trace.invariant)}</h2><p class="muted" style="margin:0 0 6px">${esc(info.trace.file)}, ${info.trace.steps.length} steps; click a step, or Forward to follow it.</p><ol class="trail" id="tracesteps"></ol></section>`
    : '';
  // </script> cannot occur in the JSON: every "<" is escaped.
  const data = JSON.stringify(info).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>luocheck explore: ${esc(info.model)} ${esc(info.scope)} (${esc(info.variantName)})</title>
<style>${PAGE_STYLE}${STYLE}</style>
</head>
<body>
<main>
<div class="bar"><h1>luocheck explore</h1><span>model <b>${esc(info.model)}</b>, scope <b>${esc(info.scope)}</b></span><span>${variant}</span></div>
<div class="alert err" id="error"></div>
<div class="layout">
<div>
<section><div class="nav"><button type="button" id="back">← Back</button><button type="button" id="fwd">Forward →</button><button type="button" id="restart">Restart</button><span class="depth" id="depth"></span></div>
<h2>Path</h2><ol class="trail" id="trail"></ol></section>
<section><h2>Enabled actions</h2><div class="acts" id="actions"></div></section>
${trace}
</div>
<div>
<div class="alert" id="status"></div>
<section><h2>Invariants</h2><table class="verdicts"><tbody id="verdicts"></tbody></table></section>
<section><h2>The step into this state</h2><p class="steplabel" id="steplabel"></p><div id="changes"></div></section>
<section><h2>State</h2><div class="tree" id="tree"></div></section>
</div>
</div>
</main>
<script type="application/json" id="info">${data}</script>
<script type="application/json" id="colors">${JSON.stringify(LANE_COLORS)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

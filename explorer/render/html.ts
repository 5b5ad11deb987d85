/**
 * `--format html`: a counterexample as one self-contained page (no network,
 * no external script, style or font), the artifact a reviewer opens first:
 * the invariant, its statement and source, the scope and the variant with
 * its differences from `fixed`; the broken sentence; the steps as lanes, one
 * per process, with the racing pair (explorer/traces/race.ts) marked; each step's
 * state diff, with the full state after it one click away as a collapsible
 * tree; and the command that reproduces it. The page reads without
 * JavaScript (every step is a <details>); a small inline script adds
 * previous/next and the arrow keys.
 *
 * A lore link is shown as text without its scheme, for the reader to copy,
 * so the page holds no address a browser would fetch or follow.
 */
import { diff, show, type Change } from '../traces/diff.js';
import type { Report, ReportViolation } from '../traces/report.js';
import { switchesFromFixed } from './email.js';
import { LANE_COLORS, PAGE_STYLE, esc, stateTree } from './html-parts.js';

/** What the report does not carry about an invariant: its statement (Invariant.statement). */
export type Statements = Readonly<Record<string, string | undefined>>;

/**
 * A source as text: an address in it is shown without its scheme as
 * copyable text, and a Message-ID outside an address gets its lore address
 * (lore.kernel.org/r/ID) the same way.
 */
export function sourceHtml(source: string): string {
  const parts: string[] = [];
  const ids: string[] = [];
  let at = 0;
  for (const m of source.matchAll(/\bhttps?:\/\/([^\s<>"]*[^\s<>".,;:)\]])/g)) {
    const rest = source.slice(at, m.index);
    parts.push(esc(rest));
    for (const x of rest.matchAll(/(?:^|[\s(<,;])([\w.+=-]+@[\w-]+(?:\.[\w-]+)+)(?=$|[\s)>,;])/g)) ids.push(x[1]!);
    parts.push(`<code class="copy">${esc(m[1]!)}</code>`);
    at = m.index + m[0].length;
  }
  const tail = source.slice(at);
  parts.push(esc(tail));
  for (const x of tail.matchAll(/(?:^|[\s(<,;])([\w.+=-]+@[\w-]+(?:\.[\w-]+)+)(?=$|[\s)>,;])/g)) ids.push(x[1]!);
  const lore = [...new Set(ids)].map((id) => `<div class="lore">lore: <code class="copy">lore.kernel.org/r/${esc(id)}</code></div>`);
  return `<div>${parts.join('')}</div>${lore.join('')}`;
}

/** The processes of a trace in order of first step: the lanes. */
export function lanesOf(v: ReportViolation): string[] {
  return [...new Set(v.trace.slice(1).map((t) => t.process))];
}

function changesTable(cs: readonly Change[]): string {
  if (cs.length === 0) return '<p class="nochange">No change to the state.</p>';
  const rows = cs.map(
    (c) =>
      `<tr class="change" data-path="${esc(c.path)}" data-before="${esc(show(c.before))}" data-after="${esc(show(c.after))}"><td class="path">${esc(c.path)}</td><td class="before">${esc(show(c.before))}</td><td class="arrow">→</td><td class="after">${esc(show(c.after))}</td></tr>`,
  );
  return `<table class="diff"><thead><tr><th>field</th><th>before</th><th></th><th>after</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function stepRows(v: ReportViolation, vi: number): string {
  const lanes = lanesOf(v);
  const race = v.race ? new Map([[v.race.first, v.race.second], [v.race.second, v.race.first]]) : new Map<number, number>();
  const last = v.trace.length - 1;
  const out: string[] = [];
  const grid = `style="--lanes:${Math.max(1, lanes.length)}"`;
  const color = (j: number) => `--lane:${LANE_COLORS[j % LANE_COLORS.length]}`;
  out.push(`<div class="lanes-head" ${grid}><div class="num">#</div>${lanes.map((p, j) => `<div class="lane-head" data-process="${esc(p)}" style="${color(j)}">${esc(p)}</div>`).join('')}</div>`);
  v.trace.forEach((st, i) => {
    const prev = i === 0 ? undefined : v.trace[i - 1]!.state;
    const cs = i === 0 ? [] : diff(prev, st.state);
    const changed = new Set(cs.map((c) => c.path));
    const other = race.get(st.step);
    const cls = ['step', other !== undefined ? 'race' : '', i === last ? 'violates' : ''].filter(Boolean).join(' ');
    const badges = [
      other !== undefined ? `<span class="badge race-badge" title="Reordering this step and step ${other} avoids the violation">race ⇄ ${other}</span>` : '',
      i === last && i > 0 ? `<span class="badge bad-badge">violates ${esc(v.invariant)}</span>` : '',
    ].join('');
    let summary: string;
    if (i === 0) {
      summary = `<div class="num">0</div><div class="cell init" style="grid-column: 2 / span ${Math.max(1, lanes.length)}"><span class="label">initial state</span></div>`;
    } else {
      const lane = lanes.indexOf(st.process);
      const cells = lanes.map((p, j) =>
        j === lane
          ? `<div class="cell on" data-lane="${esc(p)}" style="${color(j)}"><span class="proc">${esc(p)}</span><span class="label">${esc(st.action)}</span><span class="count">${cs.length} change${cs.length === 1 ? '' : 's'}</span>${badges}</div>`
          : `<div class="cell" data-lane="${esc(p)}"></div>`,
      );
      summary = `<div class="num">${st.step}</div>${cells.join('')}`;
    }
    const body = [
      i === 0 ? '' : `<h3>What step ${st.step} changed</h3>${changesTable(cs)}`,
      `<details class="state"><summary>Full state ${i === 0 ? 'at the start' : `after step ${st.step}`}</summary><div class="tree">${stateTree(st.state, changed)}</div></details>`,
    ].join('');
    out.push(`<details class="${cls}" id="v${vi}-step-${st.step}" data-step="${st.step}" data-process="${esc(st.process)}"><summary class="row" ${grid}>${summary}</summary><div class="body">${body}</div></details>`);
  });
  return out.join('\n');
}

function violationSection(r: Report, v: ReportViolation, vi: number, statements: Statements): string {
  const diffs = switchesFromFixed(r);
  const variant = r.fixedVariant === undefined
    ? esc(r.variantName)
    : diffs.length === 0
      ? `${esc(r.variantName)} <span class="muted">(every switch as in fixed)</span>`
      : `${esc(r.variantName)} <span class="muted">differs from fixed in</span> ${diffs.map((d) => {
          const [k, val] = d.split('=') as [string, string];
          return `<span class="chip" title="fixed: ${esc(r.fixedVariant![k] ?? '')}">${esc(k)} = ${esc(val)} <s>${esc(r.fixedVariant![k] ?? '')}</s></span>`;
        }).join(' ')}`;
  const search = r.mode === 'exhaustive' ? `exhaustive, ${r.stats.distinctStates.toLocaleString('en-US')} states` : `${r.mode}, seed ${r.seed ?? 0}`;
  const statement = statements[v.invariant];
  const raceBox = v.race
    ? `<section class="racebox"><h2>The race: steps ${v.race.first} and ${v.race.second}</h2><p>${esc(v.race.why)}</p></section>`
    : '';
  return `<section class="violation" data-invariant="${esc(v.invariant)}">
<header class="top">
<div class="kicker">luocheck counterexample</div>
<h1><code class="inv">${esc(v.invariant)}</code> ${esc(v.title)}</h1>
${statement ? `<p class="statement">${esc(statement)}</p>` : ''}
<dl class="meta">
<dt>Source</dt><dd class="source">${sourceHtml(v.source)}</dd>
<dt>Model</dt><dd>${esc(r.model)}, scope <b>${esc(r.scope)}</b></dd>
<dt>Variant</dt><dd class="variant">${variant}</dd>
<dt>Search</dt><dd>${esc(search)}</dd>
<dt>Trace</dt><dd>${v.length} steps, ${v.contextSwitches} context switches${v.unshrunk && v.unshrunk.length !== v.length ? ` (shrunk from ${v.unshrunk.length} steps)` : ''}</dd>
</dl>
</header>
<section class="broken"><h2>Broken</h2><p>${esc(v.message.replace(/\.?$/, '.'))}</p></section>
${raceBox}
<section class="trace">
<div class="controls"><button type="button" class="prev">← Previous</button><span class="pos">click a step, or use ← →</span><button type="button" class="next">Next →</button><button type="button" class="all">Expand all</button></div>
${stepRows(v, vi)}
</section>
</section>`;
}

const SCRIPT = `
for (const sec of document.querySelectorAll('section.violation')) {
  const steps = [...sec.querySelectorAll('details.step')];
  const pos = sec.querySelector('.pos');
  let cur = -1;
  const select = (i) => {
    if (i < 0 || i >= steps.length) return;
    steps.forEach((d, j) => { d.classList.toggle('current', j === i); if (j !== i && !sec.classList.contains('all-open')) d.open = false; });
    steps[i].open = true;
    cur = i;
    pos.textContent = 'step ' + steps[i].dataset.step + ' of ' + (steps.length - 1);
    steps[i].scrollIntoView({ block: 'nearest' });
  };
  steps.forEach((d, i) => d.querySelector('summary').addEventListener('click', () => setTimeout(() => { if (d.open) select(i); }, 0)));
  sec.querySelector('.prev').addEventListener('click', () => select(cur <= 0 ? 0 : cur - 1));
  sec.querySelector('.next').addEventListener('click', () => select(cur + 1));
  sec.querySelector('.all').addEventListener('click', (e) => {
    const open = sec.classList.toggle('all-open');
    steps.forEach((d) => (d.open = open));
    e.target.textContent = open ? 'Collapse all' : 'Expand all';
  });
  document.addEventListener('keydown', (e) => {
    if (e.target.closest && e.target.closest('input, textarea')) return;
    if (e.key === 'ArrowRight' || e.key === 'j') select(cur + 1);
    if (e.key === 'ArrowLeft' || e.key === 'k') select(Math.max(0, cur - 1));
  });
}
for (const c of document.querySelectorAll('code.copy')) {
  c.title = 'click to select';
  c.addEventListener('click', () => { const r = document.createRange(); r.selectNodeContents(c); const s = getSelection(); s.removeAllRanges(); s.addRange(r); });
}
`;

export function renderHtml(r: Report, statements: Statements = {}): string {
  const title = r.result === 'violation'
    ? `${r.violations.map((v) => v.invariant).join(', ')}: ${r.model} ${r.scope} (${r.variantName})`
    : `${r.result}: ${r.model} ${r.scope} (${r.variantName})`;
  const body = r.result === 'violation'
    ? r.violations.map((v, i) => violationSection(r, v, i, statements)).join('\n<hr>\n')
    : `<section class="violation none"><header class="top"><div class="kicker">luocheck</div><h1>${r.result === 'ok' ? 'No violation' : `No violation before ${esc(r.stoppedBy ?? 'a bound')} stopped the run`}</h1><p>${esc(r.checked.join(', ') || 'no invariant')} checked in model ${esc(r.model)}, scope ${esc(r.scope)}, variant ${esc(r.variantName)}; ${r.stats.distinctStates.toLocaleString('en-US')} distinct states.</p></header></section>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>luocheck ${esc(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
${body}
<section class="reproduce"><h2>Reproduce</h2><pre><code class="copy">${esc(r.command)}</code></pre></section>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/**
 * What the html report (render/html.ts) and the explorer's page
 * (explorer/cli/explore-page.ts) share: escaping, the state as a collapsible
 * tree, and the style sheet (system fonts only, nothing fetched).
 */

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when `path` or something under it is in `changed` (paths as explorer/traces/diff.ts writes them). */
function touched(path: string, changed: ReadonlySet<string>): boolean {
  if (changed.has(path)) return true;
  for (const c of changed) if (c.startsWith(path) && (c[path.length] === '.' || c[path.length] === '[')) return true;
  return false;
}

function leaf(v: unknown): string {
  const cls = v === null ? 'null' : typeof v;
  return `<span class="v ${cls}">${esc(JSON.stringify(v) ?? 'undefined')}</span>`;
}

/**
 * The JSON view of a state as nested <details>: a branch is open when
 * something in it changed (`changed`: the diff's paths), and a changed
 * field is marked.
 */
export function stateTree(v: unknown, changed: ReadonlySet<string> = new Set(), path = ''): string {
  const entries: [string, unknown, string][] = Array.isArray(v)
    ? v.map((x, i) => [String(i), x, `${path}[${i}]`])
    : isRecord(v)
      ? Object.entries(v).map(([k, x]) => [k, x, path ? `${path}.${k}` : k])
      : [];
  if (!Array.isArray(v) && !isRecord(v)) return leaf(v);
  if (entries.length === 0) return `<span class="v empty">${Array.isArray(v) ? '[]' : '{}'}</span>`;
  const items = entries.map(([k, x, p]) => {
    const mark = touched(p, changed) ? ' chg' : '';
    const key = `<span class="k">${esc(k)}</span>`;
    if ((Array.isArray(x) && x.length > 0) || (isRecord(x) && Object.keys(x).length > 0)) {
      const n = Array.isArray(x) ? `[${x.length}]` : `{${Object.keys(x).length}}`;
      return `<li class="node${mark}" data-path="${esc(p)}"><details${mark ? ' open' : ''}><summary>${key} <span class="n">${n}</span></summary>${stateTree(x, changed, p)}</details></li>`;
    }
    return `<li class="leaf${mark}" data-path="${esc(p)}">${key}: ${stateTree(x, changed, p)}</li>`;
  });
  return `<ul>${items.join('')}</ul>`;
}

/** One colour per lane (process), in order of first appearance. */
export const LANE_COLORS = ['#2456a6', '#7b3fa0', '#0f7b74', '#8a5a00', '#5d6b7c', '#a3316f'] as const;

export const PAGE_STYLE = `
:root {
  --bg: #f6f7f9; --card: #ffffff; --ink: #1c2430; --muted: #5d6b7c; --line: #dde2e8;
  --accent: #2456a6; --race: #c8610a; --race-bg: #fff4e8; --bad: #b42318; --bad-bg: #fdecea;
  --good: #1f7a3d; --good-bg: #e8f5ec; --chg: #fff7cc;
  --mono: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace;
  --sans: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", sans-serif;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.45 var(--sans); }
main { max-width: 1180px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 22px; margin: 4px 0 8px; line-height: 1.3; }
h2 { font-size: 15px; margin: 0 0 6px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
h3 { font-size: 13px; margin: 4px 0 6px; color: var(--muted); font-weight: 600; }
code, pre, .mono { font-family: var(--mono); font-size: 13px; }
.muted { color: var(--muted); }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin: 0 0 16px; }
section.violation { background: none; border: 0; padding: 0; }
hr { border: 0; border-top: 2px dashed var(--line); margin: 32px 0; }
.top { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 18px 20px; margin-bottom: 16px; border-top: 4px solid var(--bad); }
.kicker { font-size: 12px; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); }
code.inv { font-size: 20px; color: var(--bad); background: var(--bad-bg); padding: 1px 6px; border-radius: 4px; }
.statement { margin: 6px 0 12px; max-width: 80ch; }
dl.meta { display: grid; grid-template-columns: 90px 1fr; gap: 4px 14px; margin: 0; font-size: 14px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
.lore { margin-top: 2px; }
code.copy { background: #eef1f5; padding: 1px 5px; border-radius: 4px; cursor: pointer; user-select: all; }
.chip { display: inline-block; font: 12px var(--mono); background: var(--race-bg); border: 1px solid #f1c79b; border-radius: 12px; padding: 1px 8px; margin: 1px 2px; }
.chip s { color: var(--muted); margin-left: 4px; }
.broken { border-left: 4px solid var(--bad); background: var(--bad-bg); }
.broken p { margin: 0; font-size: 16px; }
.racebox { border-left: 4px solid var(--race); background: var(--race-bg); }
.racebox p { margin: 0; }
.controls { display: flex; gap: 8px; align-items: center; margin-bottom: 10px; }
.controls .pos { color: var(--muted); font-size: 13px; min-width: 12em; text-align: center; }
button { font: 13px var(--sans); padding: 5px 12px; border: 1px solid var(--line); background: #fff; border-radius: 6px; cursor: pointer; color: var(--ink); }
button:hover { border-color: var(--accent); color: var(--accent); }
button:disabled { opacity: .45; cursor: default; }
.lanes-head, summary.row { display: grid; grid-template-columns: 3em repeat(var(--lanes), minmax(0, 1fr)); }
.lanes-head { position: sticky; top: 0; background: var(--card); z-index: 2; border-bottom: 2px solid var(--line); }
.lane-head { font: 600 13px var(--mono); padding: 6px 10px; border-left: 1px solid var(--line); }
.num { font: 12px var(--mono); color: var(--muted); padding: 8px 6px; text-align: right; }
details.step { border-bottom: 1px solid #eef0f3; }
details.step > summary { list-style: none; cursor: pointer; }
details.step > summary::-webkit-details-marker { display: none; }
details.step > summary:hover { background: #f3f6fb; }
.cell { border-left: 1px solid var(--line); padding: 6px 10px; min-height: 34px; }
.cell.on { background: #eef3fb; background: color-mix(in srgb, var(--lane, #2456a6) 9%, #fff); border-left: 3px solid var(--lane, var(--accent)); }
.lane-head { color: var(--lane, var(--ink)); border-bottom: 3px solid var(--lane, transparent); }
.cell.init { color: var(--muted); font-style: italic; }
.cell .proc { display: none; }
.cell .label { font: 13px var(--mono); word-break: break-word; }
.cell .count { display: block; font-size: 11px; color: var(--muted); }
.badge { display: inline-block; font-size: 11px; font-weight: 600; padding: 1px 7px; border-radius: 10px; margin: 3px 4px 0 0; }
.race-badge { background: var(--race); color: #fff; }
.bad-badge { background: var(--bad); color: #fff; }
details.race > summary .cell.on { background: var(--race-bg); border-left-color: var(--race); box-shadow: inset 0 0 0 1px #f1c79b; }
details.violates > summary .cell.on { background: var(--bad-bg); border-left-color: var(--bad); }
details.step.current > summary { outline: 2px solid var(--accent); outline-offset: -2px; }
details.step > .body { padding: 8px 12px 14px 3.6em; background: #fbfcfd; border-top: 1px dashed var(--line); }
table.diff { border-collapse: collapse; font: 13px var(--mono); margin-bottom: 8px; }
table.diff th { text-align: left; font: 600 11px var(--sans); color: var(--muted); text-transform: uppercase; padding: 2px 10px 4px 0; }
table.diff td { padding: 2px 10px 2px 0; vertical-align: top; }
td.path { color: var(--accent); }
td.before { color: var(--bad); text-decoration: line-through; text-decoration-color: #e5a39c; }
td.after { color: var(--good); font-weight: 600; }
td.arrow { color: var(--muted); }
.nochange { color: var(--muted); font-style: italic; margin: 0 0 8px; }
details.state > summary { cursor: pointer; color: var(--accent); font-size: 13px; }
.tree { font: 13px var(--mono); padding: 4px 0 0 4px; }
.tree ul { list-style: none; margin: 0; padding-left: 16px; border-left: 1px dotted #cfd6df; }
.tree > ul { padding-left: 4px; border-left: 0; }
.tree li { margin: 1px 0; }
.tree summary { cursor: pointer; }
.tree .k { color: #6b3fa0; }
.tree .n { color: var(--muted); font-size: 11px; }
.tree li.chg > .k, .tree li.chg > details > summary > .k { background: var(--chg); }
.tree li.leaf.chg { background: var(--chg); }
.v.string { color: #0b6e4f; } .v.number { color: #1750ac; } .v.boolean { color: #a4360f; } .v.null, .v.empty { color: var(--muted); }
.reproduce pre { margin: 0; white-space: pre-wrap; word-break: break-all; background: #eef1f5; padding: 10px 12px; border-radius: 6px; }
`;

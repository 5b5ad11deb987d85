/**
 * The counterexample as a reviewer pastes it into a mailing-list reply:
 * a header (invariant, source, model and scope, the switches that differ
 * from `fixed`, the trace's size before and after shrinking), numbered
 * steps of one line each with only what changed, one sentence on what is
 * broken, the race when one was found, the two-column interleaving when two
 * processes take part, and the command that reproduces it. Every line fits
 * in 72 columns but the `Link:` lines (one per Message-ID of the source,
 * never broken, as in kernel commits), and is plain ASCII ("->", "-"), as
 * mailing lists want it. The step lines leave out the fields the model
 * declares internal (program counters, bookkeeping: Model.internalFields);
 * json and itf keep them.
 */
import { diff, show } from '../traces/diff.js';
import type { Report, ReportViolation } from '../traces/report.js';
import { loreLink, messageIds } from './links.js';
import { MAIL_WIDTH, wrap, wrapCommand } from './wrap.js';

const W = MAIL_WIDTH;

/** The switches of `r.variant` that differ from the model's fixed preset, as "k=v". */
export function switchesFromFixed(r: Report): string[] {
  const fixed = r.fixedVariant;
  if (fixed === undefined) return [];
  return Object.entries(r.variant).filter(([k, v]) => fixed[k] !== v).map(([k, v]) => `${k}=${v}`);
}

/** "variant buggy (differs from fixed: lock=off)". */
export function variantLine(r: Report): string {
  if (r.fixedVariant === undefined) return `variant ${r.variantName}`;
  const diffs = switchesFromFixed(r);
  return diffs.length === 0 ? `variant ${r.variantName} (every switch as in fixed)` : `variant ${r.variantName} (differs from fixed: ${diffs.join(', ')})`;
}

/** "x: 0 → 1, pc[1]: 1 → 2" for the fields a step changed. */
export function changesOf(before: unknown, after: unknown): string {
  const cs = diff(before, after);
  return cs.length === 0 ? 'no change' : cs.map((c) => `${c.path}: ${show(c.before)} → ${show(c.after)}`).join(', ');
}

/** The segments of a diff path: "threads.T1.pc" and "pc[1]" both split on "." and "[n]". */
function segments(path: string): string[] {
  return path.replace(/\[(\d+)\]/g, '.$1').split('.').filter((x) => x !== '');
}

/** Whether a diff path lies under one of the patterns ("threads.*.pc", "pc": "*" is any one segment). */
export function isInternal(path: string, patterns: readonly string[]): boolean {
  const p = segments(path);
  return patterns.some((pat) => {
    const q = pat.split('.');
    return q.length <= p.length && q.every((x, i) => x === '*' || x === p[i]);
  });
}

/** "x: 0 -> 1, hwpts[1].alive: true -> false": what a step changed, without internal fields; '' if nothing shows. */
export function visibleChanges(before: unknown, after: unknown, internal: readonly string[]): string {
  const cs = diff(before, after).filter((c) => !isInternal(c.path, internal));
  return cs.map((c) => `${c.path}: ${show(c.before)} -> ${show(c.after)}`).join(', ');
}

const ASCII: Readonly<Record<string, string>> = {
  '\u2014': '-', '\u2013': '-', '\u2192': '->', '\u2190': '<-', '\u21d2': '=>', '\u2026': '...',
  '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2264': '<=', '\u2265': '>=', '\u2260': '!=', '\u00a0': ' ',
};

/** Plain ASCII: the usual typography spelled out, anything else as <U+XXXX>. */
export function toAscii(s: string): string {
  return s.replace(/[^\x00-\x7f]/gu, (ch) => ASCII[ch] ?? `<U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`);
}

/**
 * "--variant fixed --set count=two-pass": the variant and the switches as
 * the command line gave them (the reproduce command's --set flags).
 */
export function switchesAsGiven(r: Report): string {
  const sets = [...r.command.matchAll(/--set (\S+)/g)].map((m) => `--set ${m[1]}`);
  return [`--variant ${r.variantName}`, ...sets].join(' ');
}

function header(r: Report, v: ReportViolation): string[] {
  const out = wrap(`${v.invariant}: ${v.title}`, W, '', '  ');
  const src = `Source: ${v.source}`;
  if (src.length <= W) out.push(src);
  else out.push('Source:', ...wrap(v.source, W, '  '));
  for (const id of messageIds(v.source)) out.push(`Link: ${loreLink(id)}`);
  out.push(...wrap(`Model: ${r.model}, ${scopeAsGiven(r)} ${switchesAsGiven(r)}`, W, '', '  '));
  const mode = r.mode === 'exhaustive' || r.seed === undefined ? `${r.mode} search` : `${r.mode} search, seed ${r.seed}`;
  let size = `Trace: ${v.length} steps, ${v.contextSwitches} context switches`;
  if (v.unshrunk && (v.unshrunk.length !== v.length || v.unshrunk.contextSwitches !== v.contextSwitches)) {
    size += ` (shrunk from ${v.unshrunk.length} steps, ${v.unshrunk.contextSwitches} switches)`;
  }
  out.push(...wrap(`${size}; ${mode}.`, W, '', '  '));
  return out;
}

function steps(v: ReportViolation, internal: readonly string[]): string[] {
  const out: string[] = [];
  const digits = String(v.trace.length - 1).length;
  for (let i = 1; i < v.trace.length; i++) {
    const st = v.trace[i]!;
    const num = `${String(st.step).padStart(digits)}. `;
    const changed = visibleChanges(v.trace[i - 1]!.state, st.state, internal);
    out.push(...wrap(`${st.process}: ${st.action}${changed ? ` - ${changed}` : ''}`, W, num, ' '.repeat(num.length + 2)));
  }
  return out;
}

/**
 * The two-column interleaving (T1 | T2) reviewers use: the columns are the
 * race's two processes, or the only two processes of the trace; steps of any
 * other process (a kexec, a boot step) run across both columns.
 */
export function interleaving(v: ReportViolation, width = W): string[] {
  const all = [...new Set(v.trace.slice(1).map((t) => t.process))];
  const race = v.race ? [v.trace[v.race.first]!.process, v.trace[v.race.second]!.process] : undefined;
  const procs = race ?? (all.length === 2 ? all : undefined);
  if (procs === undefined || procs[0] === procs[1]) return [];
  const col = Math.floor((width - 3) / 2);
  const marked = new Set(v.race ? [v.race.first, v.race.second] : []);
  const out = [`${procs[0]!.padEnd(col)} | ${procs[1]}`.trimEnd(), `${'-'.repeat(col)}-+-${'-'.repeat(col)}`];
  for (const st of v.trace.slice(1)) {
    const num = `${st.step}. `;
    const label = `${st.action}${marked.has(st.step) ? ' (race)' : ''}`;
    if (!procs.includes(st.process)) {
      out.push(...wrap(`${st.process}: ${label}`, width, num, ' '.repeat(num.length)));
      continue;
    }
    const cell = wrap(label, col, num, ' '.repeat(num.length));
    for (const c of cell) out.push(st.process === procs[0] ? `${c.padEnd(col)} |` : `${' '.repeat(col)} | ${c}`);
  }
  return out;
}

function violation(r: Report, v: ReportViolation, internal: readonly string[]): string[] {
  const out = [...header(r, v), '', ...steps(v, internal), ''];
  out.push(...wrap(`Broken: ${v.message.replace(/\.?$/, '.')}`, W, '', ''));
  if (v.race) {
    out.push('');
    out.push(...wrap(`The race is between steps ${v.race.first} and ${v.race.second}. ${v.race.why}`, W, '', ''));
  }
  const table = interleaving(v);
  if (table.length > 0) out.push('', ...table);
  return out;
}

/** `internal`: the model's internal fields (Model.internalFields), left out of the step lines. */
export function renderEmail(r: Report, internal: readonly string[] = []): string {
  const head = pointHead(r);
  return head + renderBody(r, internal);
}

/** How the run named its scope: --scope NAME, or the point file. */
function scopeAsGiven(r: Report): string {
  return r.point ? `point file ${r.point.file}` : `--scope ${r.scope}`;
}

/** A point file's run: the point, its source and the outcome, above the verdict. */
function pointHead(r: Report): string {
  const p = r.point;
  if (!p) return '';
  const outcome = p.observed === 'unknown' ? `unknown (${r.stoppedBy ?? 'a bound'} stopped the run)` : p.observed;
  const lines = [
    ...wrap(toAscii(`Point: ${p.title}`), W, '', '  '),
    ...wrap(toAscii(`Raised in: ${p.source}`), W, '', '  '),
    ...wrap(toAscii(`Outcome under ${r.variantName}: ${outcome}${p.expect ? (p.observed === p.expect ? ' (as expected)' : ` (expected: ${p.expect})`) : ''}.`), W, '', '  '),
    '',
  ];
  return lines.join('\n') + '\n';
}

function renderBody(r: Report, internal: readonly string[]): string {
  if (r.result !== 'violation') {
    const verdict = r.result === 'ok' ? 'no violation' : `no violation before ${r.stoppedBy ?? 'a bound'} stopped the run`;
    const out = wrap(toAscii(`luocheck: ${verdict} of ${r.checked.join(', ') || 'no invariant'} in model ${r.model}, ${scopeAsGiven(r)} ${switchesAsGiven(r)}; ${r.stats.distinctStates} distinct states.`), W, '', '  ');
    return out.join('\n') + '\n';
  }
  const out: string[] = [];
  for (const v of r.violations) {
    if (out.length > 0) out.push('', '---', '');
    out.push(...violation(r, asciiViolation(v), internal));
  }
  out.push('', 'Reproduce with:', ...wrapCommand(r.command, W, '  '));
  return out.map(toAscii).join('\n') + '\n';
}

/** The violation with its text in ASCII before wrapping, so the 72 columns hold after "->" replaces "→". */
function asciiViolation(v: ReportViolation): ReportViolation {
  return {
    ...v,
    title: toAscii(v.title),
    message: toAscii(v.message),
    source: toAscii(v.source),
    ...(v.race ? { race: { ...v.race, why: toAscii(v.race.why) } } : {}),
    trace: v.trace.map((t) => ({ ...t, process: toAscii(t.process), action: toAscii(t.action), state: JSON.parse(toAscii(JSON.stringify(t.state))) as unknown })),
  };
}

/**
 * The counterexample as a reviewer pastes it into a mailing-list reply:
 * a header (invariant, source, model and scope, the switches that differ
 * from `fixed`, the trace's size before and after shrinking), numbered
 * steps of one line each with only what changed, one sentence on what is
 * broken, the race when one was found, the two-column interleaving when two
 * processes take part, and the command that reproduces it. Every line fits
 * in 72 columns but the `Link:` lines (one per Message-ID of the source,
 * never broken, as in kernel commits).
 */
import { diff, show } from '../diff.js';
import type { Report, ReportViolation } from '../report.js';
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

function header(r: Report, v: ReportViolation): string[] {
  const out = wrap(`${v.invariant}: ${v.title}`, W, '', '  ');
  const src = `Source: ${v.source}`;
  if (src.length <= W) out.push(src);
  else out.push('Source:', ...wrap(v.source, W, '  '));
  for (const id of messageIds(v.source)) out.push(`Link: ${loreLink(id)}`);
  out.push(...wrap(`Model: ${r.model}, scope ${r.scope}, ${variantLine(r)}`, W, '', '  '));
  const mode = r.mode === 'exhaustive' || r.seed === undefined ? `${r.mode} search` : `${r.mode} search, seed ${r.seed}`;
  let size = `Trace: ${v.length} steps, ${v.contextSwitches} context switches`;
  if (v.unshrunk && (v.unshrunk.length !== v.length || v.unshrunk.contextSwitches !== v.contextSwitches)) {
    size += ` (shrunk from ${v.unshrunk.length} steps, ${v.unshrunk.contextSwitches} switches)`;
  }
  out.push(...wrap(`${size}; ${mode}.`, W, '', '  '));
  return out;
}

function steps(v: ReportViolation): string[] {
  const out: string[] = [];
  const digits = String(v.trace.length - 1).length;
  for (let i = 1; i < v.trace.length; i++) {
    const st = v.trace[i]!;
    const num = `${String(st.step).padStart(digits)}. `;
    out.push(...wrap(`${st.process}: ${st.action} — ${changesOf(v.trace[i - 1]!.state, st.state)}`, W, num, ' '.repeat(num.length + 2)));
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

function violation(r: Report, v: ReportViolation): string[] {
  const out = [...header(r, v), '', ...steps(v), ''];
  out.push(...wrap(`Broken: ${v.message.replace(/\.?$/, '.')}`, W, '', ''));
  if (v.race) {
    out.push('');
    out.push(...wrap(`The race is between steps ${v.race.first} and ${v.race.second}. ${v.race.why}`, W, '', ''));
  }
  const table = interleaving(v);
  if (table.length > 0) out.push('', ...table);
  return out;
}

export function renderEmail(r: Report): string {
  if (r.result !== 'violation') {
    const verdict = r.result === 'ok' ? 'no violation' : `no violation before ${r.stoppedBy ?? 'a bound'} stopped the run`;
    const out = wrap(`luocheck: ${verdict} of ${r.checked.join(', ') || 'no invariant'} in model ${r.model}, scope ${r.scope}, ${variantLine(r)}; ${r.stats.distinctStates} distinct states.`, W, '', '  ');
    return out.join('\n') + '\n';
  }
  const out: string[] = [];
  for (const v of r.violations) {
    if (out.length > 0) out.push('', '---', '');
    out.push(...violation(r, v));
  }
  out.push('', 'Reproduce with:', ...wrapCommand(r.command, W, '  '));
  return out.join('\n') + '\n';
}

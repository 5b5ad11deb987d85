/**
 * The text report: one verdict line, then for each violation its invariant,
 * its sentence, and the trace as per-step diffs of the state.
 */
import { diff, renderChanges } from '../traces/diff.js';
import type { Report, ReportViolation } from '../traces/report.js';
import { coverageLines } from '../search/coverage.js';

const n = (x: number) => x.toLocaleString('en-US');

function where(r: Report): string {
  const mode = r.mode === 'exhaustive' ? 'exhaustive' : `${r.mode}, seed ${r.seed ?? 0}`;
  return `${r.model} ${r.scope} (${r.variantName}), ${mode}`;
}

function stats(r: Report): string {
  const s = r.stats;
  if (r.mode === 'exhaustive') {
    return `${n(s.distinctStates)} states, ${n(s.transitions)} transitions, depth ${s.depth}, ${s.seconds.toFixed(2)} s, ${n(s.statesPerSecond)} states/s`;
  }
  // Random walks count the distinct states they visit; fast-check's runs do not.
  const distinct = r.mode === 'random' ? `, ${n(s.distinctStates)} distinct states` : '';
  return `${n(s.runs ?? 0)} runs, ${n(s.steps ?? 0)} steps${distinct}, ${s.seconds.toFixed(2)} s, ${n(s.statesPerSecond)} steps/s`;
}

export function renderTrace(v: ReportViolation): string[] {
  const lines: string[] = [];
  let prev: unknown;
  for (const st of v.trace) {
    if (st.step === 0) {
      lines.push(`  #0 init`);
    } else {
      lines.push(`  #${st.step} ${st.process}: ${st.action}`);
      for (const c of renderChanges(diff(prev, st.state))) lines.push(`       ${c}`);
    }
    prev = st.state;
  }
  return lines;
}

/** A point file's outcome in one line ("[point] title: sometimes, as expected"). */
export function pointLine(r: Report): string | undefined {
  const p = r.point;
  if (!p) return undefined;
  const said = p.expect === undefined ? 'no outcome expected for this variant' : p.observed === 'unknown' ? `expected ${p.expect}` : p.observed === p.expect ? 'as expected' : `expected ${p.expect}`;
  return `[point] ${p.title}: ${p.observed}, ${said} (${r.variantName})`;
}

export function renderText(r: Report): string {
  const out: string[] = [];
  const pl = pointLine(r);
  if (pl) out.push(pl);
  if (r.result === 'ok') {
    out.push(`[ok] ${where(r)}: ${stats(r)}`);
    if (r.stoppedBy === 'depth') out.push(`     depth bound ${r.stats.depth} reached: deeper states were not explored`);
  } else if (r.result === 'incomplete') {
    out.push(`[incomplete] ${where(r)}: stopped by ${r.stoppedBy} before the space was explored; no violation so far`);
    out.push(`     ${stats(r)}`);
    if (r.completeDepth !== undefined) out.push(`     every state up to depth ${r.completeDepth} expanded; ${n(r.frontier ?? 0)} states left in the frontier`);
  } else {
    for (const v of r.violations) {
      out.push(`[violation] ${v.invariant} (${v.kind}): ${v.title}`);
      out.push(`  ${v.message}`);
      out.push(`  source: ${v.source}`);
      out.push(`  ${where(r)}: ${v.length} steps, ${v.contextSwitches} process switches`);
      if (r.shrinks !== undefined) out.push(`  shrunk ${r.shrinks} times from ${r.unshrunkLength ?? '?'} steps; fast-check seed ${r.seed} path ${r.path}`);
      if (v.unshrunk && (v.unshrunk.length !== v.length || v.unshrunk.contextSwitches !== v.contextSwitches)) {
        out.push(`  re-executed down from ${v.unshrunk.length} steps, ${v.unshrunk.contextSwitches} process switches`);
      }
      if (v.race) out.push(`  race: steps ${v.race.first} and ${v.race.second}. ${v.race.why}`);
      out.push(...renderTrace(v));
      out.push('');
    }
    out.push(`     ${stats(r)}`);
  }
  if (r.mode === 'exhaustive' && r.stats.distinctStates > 0) {
    out.push(`     fingerprint collision probability ${r.stats.collisionProbability.toExponential(1)}`);
  }
  const missing = r.witnesses.filter((w) => !w.reached);
  if (r.witnesses.length > 0) {
    out.push(`     witnesses reached: ${r.witnesses.length - missing.length}/${r.witnesses.length}`);
    for (const w of missing) {
      const where = w.exercisedIn?.length ? ` (exercised by --scope ${w.exercisedIn.join(', ')})` : '';
      out.push(`       not reached here: ${w.invariant}: ${w.title}${where}`);
    }
  }
  if (r.coverage) out.push(...coverageLines(r.coverage));
  for (const note of r.notes ?? []) out.push(`     note: ${note}`);
  if (r.result === 'violation') out.push(`  reproduce: ${r.command}`);
  return out.join('\n') + '\n';
}

/**
 * The counterexample as a Mermaid sequence diagram for pull requests: one
 * participant per process plus "kernel" (the model's state); each step is a
 * message from its process to the kernel with a note of the fields it
 * changed; the race's two steps are highlighted, and a final note states
 * the violation. Printed inside a ```mermaid fence, ready to paste.
 */
import type { Report, ReportViolation } from '../traces/report.js';
import { changesOf, variantLine } from './email.js';

/** Text safe in a Mermaid message or note (no statement separators, no entity starts). */
function text(s: string, max = 160): string {
  const t = s.replace(/#/g, '#35;').replace(/;/g, '#59;').replace(/[\r\n]+/g, ' ');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** A participant id: letters, digits and underscores. */
function pid(p: string): string {
  return `p_${p.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

function diagram(r: Report, v: ReportViolation): string[] {
  const procs = [...new Set(v.trace.slice(1).map((t) => t.process))];
  const out = ['sequenceDiagram', `  %% luocheck: ${v.invariant} in ${r.model} ${r.scope}, ${variantLine(r).replace(/[\r\n]+/g, ' ')}`];
  for (const p of procs) out.push(`  participant ${pid(p)} as ${text(p)}`);
  out.push('  participant kernel');
  const race = v.race;
  for (let i = 1; i < v.trace.length; i++) {
    const st = v.trace[i]!;
    const inRace = race !== undefined && (st.step === race.first || st.step === race.second);
    if (inRace) out.push('  rect rgb(255, 228, 196)');
    out.push(`  ${pid(st.process)}->>kernel: ${st.step}. ${text(st.action)}${inRace ? ' (race)' : ''}`);
    out.push(`  Note right of kernel: ${text(changesOf(v.trace[i - 1]!.state, st.state))}`);
    if (inRace) out.push('  end');
  }
  const span = procs.length > 0 ? `${pid(procs[0]!)},kernel` : 'kernel';
  out.push(`  Note over ${span}: violated ${text(v.invariant)}: ${text(v.message)}`);
  if (race) out.push(`  Note over ${span}: ${text(race.why)}`);
  return out;
}

export function renderMermaid(r: Report): string {
  if (r.violations.length === 0) {
    const verdict = r.result === 'ok' ? 'no violation' : `incomplete: ${r.stoppedBy ?? 'a bound'} stopped the run`;
    return ['```mermaid', 'sequenceDiagram', '  participant kernel', `  Note over kernel: ${text(`${verdict} in ${r.model} ${r.scope}, ${variantLine(r)}`)}`, '```', ''].join('\n');
  }
  const out: string[] = [];
  for (const v of r.violations) out.push('```mermaid', ...diagram(r, v), '```', '');
  return out.join('\n');
}

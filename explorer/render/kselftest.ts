/**
 * The counterexample as a C skeleton in the style of the kernel's iommufd
 * selftests (tools/testing/selftests/iommu/iommufd.c): kselftest_harness
 * FIXTURE / FIXTURE_SETUP / FIXTURE_TEARDOWN and one TEST_F that performs
 * the trace's steps in order. The C of each step comes from the model's
 * optional `kselftest` hook; this file only arranges it. A step that the
 * hook says needs something straight-line code cannot do (a kexec, device
 * DMA), a step of a second process, and a step without code are written as
 * clearly marked comments, never as made-up code. A declaration the hook
 * gives may be a block of several lines (a setup of the scope's initial
 * objects); blocks are deduplicated whole and indented line by line.
 */
import type { Model } from '../model.js';
import { retrace } from '../reexecute.js';
import type { Report, ReportViolation } from '../report.js';
import { variantLine } from './email.js';
import { wrap } from './wrap.js';

export type KselftestStep = ReturnType<NonNullable<Model<unknown, unknown>['kselftest']>>;

/** Marks a step that the test cannot perform as written. */
export const MANUAL = 'LUOCHECK-MANUAL';

/**
 * The hook's output for each step of `v` (index = step number; step 0 and
 * steps the model gives nothing for are undefined), rebuilt by re-execution.
 */
export function kselftestSteps<S, A>(model: Model<S, A>, v: ReportViolation): (KselftestStep | undefined)[] {
  const { trace } = retrace(model, v.trace);
  const hook = model.kselftest?.bind(model);
  return v.trace.map((_, i) => {
    const step = trace[i];
    if (i === 0 || !hook || step?.action === undefined) return undefined;
    return hook(step.action, trace[i - 1]!.state);
  });
}

/** A C identifier from any string. */
export function cIdent(s: string): string {
  const id = s.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[0-9]/.test(id) || id === '' ? `t_${id}` : id;
}

/** Text safe inside a C block comment. */
function safe(s: string): string {
  return s.replace(/\*\//g, '* /').replace(/\/\*/g, '/ *');
}

function block(lines: readonly string[], indent: string): string[] {
  return [`${indent}/*`, ...lines.map((l) => `${indent} *${l === '' ? '' : ' '}${safe(l)}`), `${indent} */`];
}

/**
 * True when, at step i, the main process is inside a call: its next step is
 * one the hook gives no code for (an internal step of the call in flight).
 */
function inFlight(v: ReportViolation, steps: readonly (KselftestStep | undefined)[], main: string, i: number): boolean {
  for (let k = i + 1; k < v.trace.length; k++) {
    if (v.trace[k]!.process !== main) continue;
    const h = steps[k];
    return h !== undefined && !h.needs && (h.code?.length ?? 0) === 0;
  }
  return false;
}

function stepLines(v: ReportViolation, steps: readonly (KselftestStep | undefined)[], main: string): string[] {
  const out: string[] = [];
  for (let i = 1; i < v.trace.length; i++) {
    const st = v.trace[i]!;
    const h = steps[i];
    const title = `${st.step}. ${st.process}: ${st.action}`;
    const about = h?.comment ? [h.comment] : [];
    const code = h?.code ?? [];
    let manual: string | undefined;
    if (h?.needs) manual = `needs ${h.needs}`;
    else if (code.length > 0 && st.process !== main && inFlight(v, steps, main, i)) {
      manual = `needs a second thread (${st.process}) running this while a call of ${main} is in flight`;
    }
    out.push('');
    if (manual !== undefined) {
      const body = [...wrap(`${MANUAL}: ${title} — ${manual}.`, 66), ...about.flatMap((c) => wrap(c, 66))];
      if (code.length > 0) body.push('Code that step would run:', ...code.map((c) => `    ${c}`));
      out.push(...block(body, '\t'));
    } else if (code.length > 0) {
      out.push(...block([...wrap(title, 66), ...about.flatMap((c) => wrap(c, 66))], '\t'), '\t{', ...code.map((c) => `\t\t${c}`), '\t}');
    } else {
      const why = h ? 'no userspace call: a step inside the kernel' : 'the model gives no C for this step';
      out.push(...block([...wrap(`${title} (${why})`, 66), ...about.flatMap((c) => wrap(c, 66))], '\t'));
    }
  }
  return out;
}

/** The C file for the first violation of `r`, given the hook output per step. */
export function renderKselftest(r: Report, steps: readonly (KselftestStep | undefined)[]): string {
  const v = r.violations[0];
  if (v === undefined) {
    return block([`luocheck: no violation in model ${r.model}, scope ${r.scope}, ${variantLine(r)}; nothing to turn into a test.`], '').join('\n') + '\n';
  }
  const withCode = v.trace.findIndex((_, i) => (steps[i]?.code?.length ?? 0) > 0 && !steps[i]?.needs);
  const main = v.trace[withCode > 0 ? withCode : Math.min(1, v.trace.length - 1)]!.process;
  const includes = ['<fcntl.h>', '<stdint.h>', '<sys/ioctl.h>', '<unistd.h>', '<linux/iommufd.h>'];
  const decls: string[] = [];
  for (const h of steps) {
    for (const inc of h?.includes ?? []) if (!includes.includes(inc)) includes.push(inc);
    for (const d of h?.decls ?? []) if (!decls.includes(d)) decls.push(d);
  }
  const fixture = cIdent(`luocheck_${r.model}`);
  const head = [
    ...wrap(`luocheck counterexample: ${v.invariant}: ${v.title}`, 72),
    ...wrap(`Source: ${v.source}`, 72),
    ...wrap(`Model ${r.model}, scope ${r.scope}, ${variantLine(r)}.`, 72),
    ...wrap(`Broken: ${v.message.replace(/\.?$/, '.')}`, 72),
    ...(v.race ? wrap(`Race: ${v.race.why}`, 72) : []),
    '',
    'Reproduce the model run:',
    `  ${r.command}`,
    '',
    ...wrap(`Performs the trace's steps in order from the process ${main}. Steps marked ${MANUAL} cannot be written as straight-line code here (a second thread, a kexec, device DMA) and are left to the reader.`, 72),
  ];
  return [
    '// SPDX-License-Identifier: GPL-2.0-only',
    ...block(head, ''),
    '#ifndef _GNU_SOURCE',
    '#define _GNU_SOURCE',
    '#endif',
    ...includes.filter((i) => i !== '"../kselftest_harness.h"').map((i) => `#include ${i}`),
    '',
    '#include "../kselftest_harness.h"',
    '',
    `FIXTURE(${fixture})`,
    '{',
    '\tint fd;',
    '};',
    '',
    `FIXTURE_SETUP(${fixture})`,
    '{',
    '\tself->fd = open("/dev/iommu", O_RDWR);',
    '\tASSERT_NE(-1, self->fd);',
    '}',
    '',
    `FIXTURE_TEARDOWN(${fixture})`,
    '{',
    '\tclose(self->fd);',
    '}',
    '',
    `TEST_F(${fixture}, ${cIdent(v.invariant)})`,
    '{',
    ...decls.flatMap((d) => d.split('\n').map((l) => (l === '' ? '' : `\t${l}`))),
    ...stepLines(v, steps, main),
    '',
    ...block(wrap(`Here the model reaches the violation of ${v.invariant}: ${v.message}`, 66), '\t'),
    '}',
    '',
    'TEST_HARNESS_MAIN',
    '',
  ].join('\n');
}

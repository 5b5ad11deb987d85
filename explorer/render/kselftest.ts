/**
 * The counterexample as a C file in the style of the kernel's selftests
 * (tools/testing/selftests/iommu/iommufd.c): kselftest_harness FIXTURE /
 * FIXTURE_SETUP / FIXTURE_TEARDOWN and a TEST_F that performs the trace's
 * steps in order. The C of each step comes from the model's optional
 * `kselftest` hook; this file only arranges it:
 * - file-scope C the hook gives (`globals`) goes above the fixture, once;
 * - a step of another process that runs while a call of the main process is
 *   in flight runs in a second thread (pthread), released through a pipe
 *   right before that call; the comment says what userspace cannot force
 *   (the kernel-internal steps it must land between);
 * - C that makes a step inside a call happen (`arm`, e.g. a fault injection)
 *   runs just before that call;
 * - across a kexec the file has two TEST_Fs (the LUO selftests' two stages):
 *   the first ends holding the preserved state for the reader's kexec, the
 *   second runs the new kernel's steps after it.
 * A step that needs what the test cannot do (`needs`) and a step without
 * code are clearly marked comments, never made-up code. A declaration the
 * hook gives may be a block of several lines; blocks are deduplicated whole
 * and indented line by line.
 */
import type { Model } from '../model.js';
import { retrace } from '../traces/reexecute.js';
import type { Report, ReportViolation } from '../traces/report.js';
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

const indented = (lines: readonly string[], indent: string) => lines.map((l) => (l === '' ? '' : `${indent}${l}`));

/** Which half of a kexec test a step belongs to. */
type Part = 'old' | 'kexec' | 'new';
const partOf = (h: KselftestStep | undefined): Part => h?.kernel ?? 'old';
const hasCode = (h: KselftestStep | undefined) => h !== undefined && !h.needs && (h.code?.length ?? 0) > 0;

/** How the test performs each step. */
export type StepPlan =
  | { readonly kind: 'code' }
  | { readonly kind: 'thread'; readonly during: number }
  | { readonly kind: 'armed'; readonly before: number }
  | { readonly kind: 'inside' }
  | { readonly kind: 'kexec' }
  | { readonly kind: 'manual'; readonly why: string }
  | { readonly kind: 'none' };

/**
 * The plan for every step of `v` (index = step number, step 0 is 'none'):
 * the main process is the first with code; a step of another process with
 * code runs in a thread when the main process is inside a call then (its
 * next step has no code), during the main process's last call issued
 * before it; an armed step is made to happen just before the last call its
 * own process issued.
 */
export function planSteps(v: ReportViolation, steps: readonly (KselftestStep | undefined)[]): { main: string; plan: StepPlan[] } {
  const withCode = v.trace.findIndex((_, i) => hasCode(steps[i]));
  const main = v.trace[withCode > 0 ? withCode : Math.min(1, v.trace.length - 1)]!.process;
  const lastCall = (proc: string, i: number, part: Part) => {
    for (let k = i - 1; k > 0; k--) if (v.trace[k]!.process === proc && hasCode(steps[k]) && partOf(steps[k]) === part) return k;
    return -1;
  };
  const plan = v.trace.map((st, i): StepPlan => {
    const h = steps[i];
    if (i === 0) return { kind: 'none' };
    if (h === undefined) return { kind: 'none' };
    if (h.needs) return { kind: 'manual', why: `needs ${h.needs}` };
    if (h.kernel === 'kexec') return { kind: 'kexec' };
    if (h.arm?.length) {
      const before = lastCall(st.process, i, partOf(h));
      return before > 0 ? { kind: 'armed', before } : { kind: 'manual', why: 'needs the call this step is inside, which the test does not issue' };
    }
    if (!hasCode(h)) return { kind: 'inside' };
    if (st.process !== main && inFlight(v, steps, main, i)) {
      const during = lastCall(main, i, partOf(h));
      return during > 0 ? { kind: 'thread', during } : { kind: 'manual', why: `needs a second thread (${st.process}) running this while a call of ${main} is in flight` };
    }
    return { kind: 'code' };
  });
  return { main, plan };
}

/**
 * True when, at step i, the main process is inside a call: its next step is
 * one the hook gives no code for (an internal step of the call in flight).
 */
function inFlight(v: ReportViolation, steps: readonly (KselftestStep | undefined)[], main: string, i: number): boolean {
  for (let k = i + 1; k < v.trace.length; k++) {
    if (v.trace[k]!.process !== main) continue;
    const h = steps[k];
    return h !== undefined && !h.needs && !h.arm?.length && (h.code?.length ?? 0) === 0;
  }
  return false;
}

const title = (v: ReportViolation, i: number) => `${v.trace[i]!.step}. ${v.trace[i]!.process}: ${v.trace[i]!.action}`;
const about = (h: KselftestStep | undefined) => (h?.comment ? wrap(h.comment, 66) : []);

/** The thread function's name for the steps of `proc` during the call of step `during`. */
const threadName = (proc: string, during: number) => cIdent(`luocheck_${proc}_during_step${during}`);

/** The index of the call's own line in a step's code: the last assertion on a call's result. */
function callLine(code: readonly string[]): number {
  for (let k = code.length - 1; k >= 0; k--) if (/^ASSERT_(EQ|NE)\(0, /.test(code[k]!)) return k;
  return code.length - 1;
}

interface Ctx {
  readonly v: ReportViolation;
  readonly steps: readonly (KselftestStep | undefined)[];
  readonly plan: readonly StepPlan[];
  readonly fixture: string;
}

/** The threads that run during the call of step c: one per process, with its steps. */
function threadsDuring(x: Ctx, c: number): { proc: string; steps: number[] }[] {
  const out: { proc: string; steps: number[] }[] = [];
  x.plan.forEach((p, i) => {
    if (p.kind !== 'thread' || p.during !== c) return;
    const proc = x.v.trace[i]!.process;
    const t = out.find((o) => o.proc === proc);
    if (t) t.steps.push(i);
    else out.push({ proc, steps: [i] });
  });
  return out;
}

/** The block of step c as issued by the main process, with the threads it releases and the faults it arms. */
function callBlock(x: Ctx, c: number): string[] {
  const code = x.steps[c]!.code!;
  const at = callLine(code);
  const threads = threadsDuring(x, c);
  const arms = x.plan.flatMap((p, i) => (p.kind === 'armed' && p.before === c ? [i] : []));
  const start = threads.flatMap((t) => {
    const n = threadName(t.proc, c);
    return [
      `/* ${t.proc} (${n}) runs step${t.steps.length > 1 ? 's' : ''} ${t.steps.join(', ')} while this call is in flight. */`,
      `struct luocheck_thread ${n}_arg = { ._metadata = _metadata, .self = self };`,
      `pthread_t ${n}_thread;`,
      '',
      `ASSERT_EQ(0, pipe(${n}_arg.go));`,
      `ASSERT_EQ(0, pthread_create(&${n}_thread, NULL, ${n}, &${n}_arg));`,
    ];
  });
  const armed = arms.flatMap((i) => [`/* Arms step ${i} (${title(x.v, i)}). */`, ...x.steps[i]!.arm!]);
  // A step made to fail inside the call makes the call fail (it unwinds and returns the error).
  const callAt = arms.length ? code[at]!.replace(/^ASSERT_EQ\(0, (.*)\);$/, `ASSERT_NE(0, $1); /* step ${arms.join(', ')} fails inside it: the call returns an error */`) : code[at]!;
  const release = threads.map((t) => `ASSERT_EQ(1, write(${threadName(t.proc, c)}_arg.go[1], "", 1)); /* ${t.proc}: go */`);
  const join = threads.map((t) => `ASSERT_EQ(0, pthread_join(${threadName(t.proc, c)}_thread, NULL));`);
  return ['\t{', ...indented([...start, ...armed, ...code.slice(0, at), ...release, callAt, ...code.slice(at + 1), ...join], '\t\t'), '\t}'];
}

/** The steps of one part as the body of a TEST_F. */
function stepLines(x: Ctx, which: (i: number) => boolean): string[] {
  const out: string[] = [];
  for (let i = 1; i < x.v.trace.length; i++) {
    if (!which(i)) continue;
    const h = x.steps[i];
    const p = x.plan[i]!;
    const t = title(x.v, i);
    out.push('');
    switch (p.kind) {
      case 'manual': {
        const body = [...wrap(`${MANUAL}: ${t} — ${p.why}.`, 66), ...about(h)];
        if (h?.code?.length) body.push('Code that step would run:', ...h.code.map((c) => `    ${c}`));
        out.push(...block(body, '\t'));
        break;
      }
      case 'code':
        out.push(...block([...wrap(t, 66), ...about(h)], '\t'), ...callBlock(x, i));
        break;
      case 'thread':
        out.push(...block([...wrap(`${t} (performed by code: in ${threadName(x.v.trace[i]!.process, p.during)}, a second thread released right before the call of step ${p.during})`, 66), ...about(h)], '\t'));
        break;
      case 'armed':
        out.push(...block([...wrap(`${t} (performed by code: armed right before the call of step ${p.before})`, 66), ...about(h)], '\t'));
        break;
      case 'inside':
      case 'kexec':
        out.push(...block([...wrap(`${t} (no userspace call: a step inside the kernel)`, 66), ...about(h)], '\t'));
        break;
      case 'none':
        out.push(...block(wrap(`${t} (the model gives no C for this step)`, 66), '\t'));
        break;
    }
  }
  return out;
}

/** The thread functions: for each call with steps of other processes in flight, one per process. */
function threadFunctions(x: Ctx, main: string): string[] {
  const calls = [...new Set(x.plan.flatMap((p) => (p.kind === 'thread' ? [p.during] : [])))];
  return calls.flatMap((c) =>
    threadsDuring(x, c).flatMap(({ proc, steps }) => {
      const n = threadName(proc, c);
      const mainSteps = x.v.trace.flatMap((st, k) => (k > 0 && st.process === main ? [k] : []));
      const windows = steps.flatMap((i) => {
        const race = x.v.race?.second === i ? x.v.race.first : undefined;
        const a = race ?? mainSteps.filter((k) => k < i).at(-1) ?? c;
        const b = mainSteps.find((k) => k > i);
        const after = race !== undefined ? `step ${a} (${title(x.v, a)}), the deciding step of the race,` : `step ${a} (${title(x.v, a)})`;
        return wrap(`The model needs step ${i} after ${after} and before ${b !== undefined ? `step ${b} (${title(x.v, b)})` : 'the call returns'}.`, 72);
      });
      const head = [
        ...wrap(`${proc}: step${steps.length > 1 ? 's' : ''} ${steps.join(', ')} of the trace, run while the call of step ${c} (${main}) is in flight.`, 72),
        ...windows,
        ...(x.v.race ? wrap(`Deciding pair: ${x.v.race.why}`, 72) : []),
        '',
        ...wrap(`Userspace orders the calls, not the kernel's steps inside them: this thread is released by a byte on a pipe written right before step ${c}'s call, so its call enters the kernel while that call is in flight. ${MANUAL}: landing it between the kernel-internal steps named above needs the kernel's help: a delay between them in a debug build of the kernel under test (e.g. an msleep() at that point), or rerunning the test until the interleaving happens.`, 72),
      ];
      const body = steps.flatMap((i, k) => {
        const code = x.steps[i]!.code!;
        return [
          '',
          ...block([...wrap(title(x.v, i), 66), ...about(x.steps[i])], '\t'),
          '\t{',
          ...indented([...(k === 0 ? [`/* Wait for ${main} to be about to make the call of step ${c}. */`, 'ASSERT_EQ(1, read(t->go[0], &go, 1));'] : []), ...code], '\t\t'),
          '\t}',
        ];
      });
      return [
        '',
        ...block(head, ''),
        `static void *${n}(void *arg)`,
        '{',
        '\tstruct luocheck_thread *t = arg;',
        '\tstruct __test_metadata *_metadata = t->_metadata;',
        `\tFIXTURE_DATA(${x.fixture}) __attribute__((unused)) *self = t->self;`,
        '\tchar go;',
        ...body,
        '\treturn NULL;',
        '}',
      ];
    }),
  );
}

const dedupe = (xs: readonly string[]) => [...new Set(xs)];

/** The C file for the first violation of `r`, given the hook output per step. */
export function renderKselftest(r: Report, steps: readonly (KselftestStep | undefined)[]): string {
  const v = r.violations[0];
  if (v === undefined) {
    return block([`luocheck: no violation in model ${r.model}, scope ${r.scope}, ${variantLine(r)}; nothing to turn into a test.`], '').join('\n') + '\n';
  }
  const { main, plan } = planSteps(v, steps);
  const fixture = cIdent(`luocheck_${r.model}`);
  const x: Ctx = { v, steps, plan, fixture };
  const parts = steps.map(partOf);
  const has = (p: Part) => steps.some((h, i) => h !== undefined && parts[i] === p);
  const kexec = has('kexec');
  const twoTests = kexec && has('new');
  const threads = plan.some((p) => p.kind === 'thread');
  const includes = ['<fcntl.h>', '<stdint.h>', '<sys/ioctl.h>', '<unistd.h>', '<linux/iommufd.h>'];
  for (const h of steps) for (const inc of h?.includes ?? []) if (!includes.includes(inc)) includes.push(inc);
  if (threads && !includes.includes('<pthread.h>')) includes.push('<pthread.h>');
  const globals = dedupe(steps.flatMap((h) => h?.globals ?? []));
  const declsOf = (want: readonly Part[]) => dedupe(want.flatMap((p) => steps.flatMap((h, i) => (h !== undefined && parts[i] === p ? (h.decls ?? []) : []))));
  const holdCode = dedupe(steps.flatMap((h, i) => (parts[i] === 'kexec' ? (h?.code ?? []) : [])));
  const inv = cIdent(v.invariant);
  const first = twoTests ? `${inv}_before_kexec` : inv;
  const second = `${inv}_after_kexec`;
  const counts = plan.slice(1).reduce<Record<string, number>>((acc, p) => ((acc[p.kind] = (acc[p.kind] ?? 0) + 1), acc), {});
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
    ...wrap(
      `Performs the trace's steps in order from the process ${main}: of its ${v.trace.length - 1} steps, ${(counts['code'] ?? 0) + (counts['thread'] ?? 0) + (counts['armed'] ?? 0)} by code (${counts['thread'] ?? 0} in a second thread, ${counts['armed'] ?? 0} by an armed fault), ${(counts['inside'] ?? 0) + (counts['kexec'] ?? 0)} inside the kernel during a call or the kexec, ${counts['manual'] ?? 0} marked ${MANUAL} (left to the reader).`,
      72,
    ),
    ...(threads ? ['', ...wrap('Link with -lpthread (LDLIBS += -lpthread in the selftest Makefile).', 72)] : []),
    ...(kexec
      ? [
          '',
          ...wrap(
            twoTests
              ? `Two halves, as the LUO selftests run: run ${first} (e.g. ./luocheck_trace -t ${first}), kexec into the new kernel, then run ${second} (-t ${second}); the session and the tokens pass through the kexec.`
              : `Run ${first}, then kexec into the new kernel: the violation is in the kexec and the boot.`,
            72,
          ),
        ]
      : []),
  ];
  const testBody = (name: string, decls: readonly string[], body: readonly string[]) => [
    `TEST_F(${fixture}, ${name})`,
    '{',
    ...decls.flatMap((d) => indented(d.split('\n'), '\t')),
    ...body,
    '}',
  ];
  const violation = ['', ...block(wrap(`Here the model reaches the violation of ${v.invariant}: ${v.message}`, 66), '\t')];
  const kexecNote = [
    '',
    ...indented(holdCode, '\t'),
    '',
    ...block(wrap(`${MANUAL}: kexec into the new kernel now, as root (kexec -l <kernel> --reuse-cmdline && kexec -e, or the LUO selftests' do_kexec.sh)${twoTests ? `, then run ${second}` : ''}.`, 66), '\t'),
  ];
  const isPart = (p: Part) => (i: number) => parts[i] === p || (p === 'old' && steps[i] === undefined);
  // Without a kexec step the new kernel's steps (if any) have no second half to go to.
  const inFirst = (i: number) => isPart('old')(i) || (!twoTests && isPart('new')(i));
  const firstTest = testBody(first, declsOf(twoTests ? ['old', 'kexec'] : ['old', 'kexec', 'new']), [
    ...stepLines(x, inFirst),
    ...(kexec ? kexecNote : []),
    ...(kexec && !twoTests ? stepLines(x, isPart('kexec')) : []),
    ...(twoTests ? [] : violation),
  ]);
  const secondTest = twoTests ? ['', ...testBody(second, declsOf(['new']), [...stepLines(x, isPart('kexec')), ...stepLines(x, isPart('new')), ...violation])] : [];
  return [
    '// SPDX-License-Identifier: GPL-2.0-only',
    ...block(head, ''),
    '#ifndef _GNU_SOURCE',
    '#define _GNU_SOURCE',
    '#endif',
    ...includes.map((i) => `#include ${i}`),
    '',
    '#include "../kselftest_harness.h"',
    ...globals.flatMap((g) => ['', g]),
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
    ...(threads
      ? [
          '',
          '/* A VMM thread of the trace: it waits for its go byte, then makes its calls. */',
          'struct luocheck_thread {',
          '\tstruct __test_metadata *_metadata;',
          `\tFIXTURE_DATA(${fixture}) *self;`,
          '\tint go[2];',
          '};',
          ...threadFunctions(x, main),
        ]
      : []),
    '',
    ...firstTest,
    ...secondTest,
    '',
    'TEST_HARNESS_MAIN',
    '',
  ].join('\n');
}

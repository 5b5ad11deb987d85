/**
 * The shrinker against oracles computed apart from it, on a toy model of
 * processes running over two registers: deletion must remove the steps a
 * violation does not need (and only the context-switch search may not do it
 * for it), the interleaving search must reach the fewest context switches a
 * brute-force enumeration finds, only the target invariant counts, and the
 * two budgets stop what they say. Written for the mutants of
 * explorer/traces/shrink.ts that the shrink tests of test/render/ let live
 * (there the switch search also shortens traces, so a broken deletion went
 * unseen).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Invariant } from '../../explorer/invariant.js';
import type { Model } from '../../explorer/model.js';
import type { Encoder } from '../../explorer/search/fingerprint.js';
import { explore } from '../../explorer/search/bfs.js';
import { shrinkTrace } from '../../explorer/traces/shrink.js';
import { contextSwitches, type TraceStep } from '../../explorer/traces/trace.js';

/** An operation on the registers [r0, r1, flag]; `guard` says when it is enabled. */
interface Op {
  readonly label: string;
  readonly apply: (r: readonly number[]) => number[];
  readonly guard?: (r: readonly number[]) => boolean;
}
interface S {
  readonly pcs: readonly number[];
  readonly r: readonly number[];
}
interface A {
  readonly p: number;
  readonly op: Op;
}

const OPS: Record<string, Op> = {
  'r0 = r1': { label: 'r0 = r1', apply: ([, b, f]) => [b!, b!, f!] },
  'r1 += 1': { label: 'r1 += 1', apply: ([a, b, f]) => [a!, b! + 1, f!] },
  'r0 *= 2': { label: 'r0 *= 2', apply: ([a, b, f]) => [a! * 2, b!, f!] },
  'r1 = r0 + 1': { label: 'r1 = r0 + 1', apply: ([a, , f]) => [a!, a! + 1, f!] },
  'r0 += 3': { label: 'r0 += 3', apply: ([a, b, f]) => [a! + 3, b!, f!] },
};
const NOISE: Op = { label: 'noise', apply: ([a, b, f]) => [a!, b!, f!] };
const NEED0: Op = { label: 'r0 = 1', apply: ([, b, f]) => [1, b!, f!] };
const NEED1: Op = { label: 'r1 = 1', apply: ([a, , f]) => [a!, 1, f!] };
const BAD: Op = { label: 'flag = 1', apply: ([a, b]) => [a!, b!, 1], guard: ([a, b]) => a === 1 && b === 1 };

/**
 * Processes named P0, P1, ... With `free`, each process may run any of its
 * operations in any order, at most `limit` steps in all; otherwise each runs
 * its operations as a program, in order.
 */
class Toy implements Model<S, A> {
  constructor(
    readonly ops: readonly (readonly Op[])[],
    readonly free = false,
    readonly limit = 12,
  ) {}
  initStates(): S[] {
    return [{ pcs: this.ops.map(() => 0), r: [0, 0, 0] }];
  }
  actions(s: S): A[] {
    const out: A[] = [];
    const total = s.pcs.reduce((x, y) => x + y, 0);
    this.ops.forEach((ops, p) => {
      if (this.free) {
        if (total < this.limit) for (const op of ops) if (!op.guard || op.guard(s.r)) out.push({ p, op });
      } else {
        const op = ops[s.pcs[p]!];
        if (op && (!op.guard || op.guard(s.r))) out.push({ p, op });
      }
    });
    return out;
  }
  nextState(s: S, a: A): S {
    return { pcs: s.pcs.map((x, i) => (i === a.p ? x + 1 : x)), r: a.op.apply(s.r) };
  }
  encode(s: S, out: Encoder): void {
    for (const x of s.pcs) out.push(x);
    for (const x of s.r) out.push(x);
  }
  process(a: A): string {
    return `P${a.p}`;
  }
  label(a: A): string {
    return a.op.label;
  }
  toJson(s: S): unknown {
    return s;
  }
}

const flagClear: Invariant<S, A> = { id: 'flag-clear', title: 't', kind: 'state', source: 't', check: (s) => (s.r[2] === 0 ? null : 'flag set') };
const r1Small: Invariant<S, A> = { id: 'r1-small', title: 't', kind: 'state', source: 't', check: (s) => (s.r[1]! < 1 ? null : 'r1 grew') };
/** A progress invariant: the registers do not end as `end`. */
const notEnding = (end: readonly number[]): Invariant<S, A> => ({
  id: 'not-ending',
  title: 't',
  kind: 'progress',
  source: 't',
  check: (s) => (s.r.every((x, i) => x === end[i]) ? `ended as ${end.join(',')}` : null),
});

/** Steps `m` through the actions named by (process, label), from its initial state. */
function run(m: Toy, steps: readonly [number, string][]): TraceStep<S, A>[] {
  let s = m.initStates()[0]!;
  const t: TraceStep<S, A>[] = [{ state: s }];
  for (const [p, label] of steps) {
    const a = m.actions(s).find((x) => x.p === p && x.op.label === label);
    if (!a) throw new Error(`P${p} ${label} not enabled`);
    s = m.nextState(s, a);
    t.push({ action: a, state: s });
  }
  return t;
}

const show = (m: Toy, t: readonly TraceStep<S, A>[]) => t.slice(1).map((x) => `${m.process(x.action!)} ${m.label(x.action!)}`);

/**
 * The fewest context switches of any interleaving of the processes' own step
 * sequences in `t` that runs to the end and ends at a violation of `inv` (a
 * progress invariant), by enumerating them all.
 */
function bruteMinSwitches(m: Toy, t: readonly TraceStep<S, A>[], inv: Invariant<S, A>): number {
  const seqs = m.ops.map((_, p) => t.slice(1).filter((x) => x.action!.p === p).map((x) => x.action!.op.label));
  let best = Infinity;
  const go = (s: S, pos: number[], last: number, sw: number) => {
    const acts = m.actions(s);
    if (pos.every((x, p) => x === seqs[p]!.length)) {
      if (acts.length === 0 && (inv as { check: (x: S) => string | null }).check(s) !== null) best = Math.min(best, sw);
      return;
    }
    for (let p = 0; p < seqs.length; p++) {
      if (pos[p]! >= seqs[p]!.length) continue;
      const a = acts.find((x) => x.p === p && x.op.label === seqs[p]![pos[p]!]);
      if (!a) continue;
      go(m.nextState(s, a), pos.map((x, j) => (j === p ? x + 1 : x)), p, sw + (last >= 0 && last !== p ? 1 : 0));
    }
  };
  go(m.initStates()[0]!, seqs.map(() => 0), -1, 0);
  return best;
}

describe('shrinking: deletion', () => {
  // P0 may run noise, set r0 or r1, or (once both are 1) set the flag; P1 only makes noise
  const free = () => new Toy([[NOISE, NEED0, NEED1, BAD], [NOISE]], true, 20);
  const long: [number, string][] = [[0, 'noise'], [1, 'noise'], [0, 'noise'], [0, 'r0 = 1'], [0, 'noise'], [1, 'noise'], [0, 'noise'], [0, 'noise'], [0, 'r1 = 1'], [1, 'noise'], [0, 'noise'], [0, 'flag = 1']];

  it('deletes every step the violation does not need, down to the shortest trace the search finds', () => {
    const m = free();
    const t = run(m, long);
    const sh = shrinkTrace(m, [flagClear], 'flag-clear', t)!;
    expect(sh.before).toEqual({ length: 12, contextSwitches: 6 });
    expect(sh.trace.length - 1).toBe(explore(m, [flagClear]).violations[0]!.trace.length - 1);
    expect(show(m, sh.trace)).toHaveLength(3);
    expect(show(m, sh.trace).at(-1)).toBe('P0 flag = 1');
    expect(show(m, sh.trace).slice(0, 2).sort()).toEqual(['P0 r0 = 1', 'P0 r1 = 1']);
    expect(sh.finding.invariant).toBe('flag-clear');
    expect(sh.switchesMinimal).toBe(true);
  });

  it('deletes single steps between needed ones (the chunk halves down to one step)', () => {
    const m = free();
    const t = run(m, [[0, 'noise'], [0, 'r0 = 1'], [0, 'noise'], [0, 'r1 = 1'], [0, 'noise'], [0, 'flag = 1']]);
    const sh = shrinkTrace(m, [flagClear], 'flag-clear', t)!;
    expect(show(m, sh.trace)).toEqual(['P0 r0 = 1', 'P0 r1 = 1', 'P0 flag = 1']);
  });

  it('checks only the target: another invariant violated on the way neither stops nor replaces it', () => {
    const m = free();
    const t = run(m, long);
    const sh = shrinkTrace(m, [r1Small, flagClear], 'flag-clear', t)!;
    expect(sh.finding.invariant).toBe('flag-clear');
    expect(show(m, sh.trace)).toHaveLength(3);
    // and the other way round: r1 grows at its own, earlier step
    const other = shrinkTrace(m, [flagClear, r1Small], 'r1-small', t)!;
    expect(show(m, other.trace)).toEqual(['P0 r1 = 1']);
  });

  it('returns undefined when the trace does not violate the target', () => {
    const m = free();
    expect(shrinkTrace(m, [flagClear], 'flag-clear', run(m, [[0, 'r0 = 1'], [0, 'noise']]))).toBeUndefined();
  });

  it('with a step budget used up at once, gives back the trace as it was, not proved minimal', () => {
    const m = free();
    const t = run(m, long);
    const sh = shrinkTrace(m, [flagClear], 'flag-clear', t, { maxSteps: 1 })!;
    expect(show(m, sh.trace)).toEqual(show(m, t));
    expect(sh.switchesMinimal).toBe(false);
    // a budget that covers the deletion but not the switch search
    const mid = shrinkTrace(m, [flagClear], 'flag-clear', t, { maxSteps: 400 })!;
    expect(show(m, mid.trace).length).toBeLessThanOrEqual(12);
    expect(mid.finding.invariant).toBe('flag-clear');
  });
});

describe('shrinking: context switches', () => {
  it('one process of k steps: k expansions prove its order minimal, k - 1 do not', () => {
    const m = new Toy([[NEED0, NEED1, BAD]]);
    const t = run(m, [[0, 'r0 = 1'], [0, 'r1 = 1'], [0, 'flag = 1']]);
    expect(shrinkTrace(m, [flagClear], 'flag-clear', t, { maxNodes: 3 })!.switchesMinimal).toBe(true);
    expect(shrinkTrace(m, [flagClear], 'flag-clear', t, { maxNodes: 2 })!.switchesMinimal).toBe(false);
  });

  it('two processes with the same labels: the switch search moves each process\'s own steps', () => {
    const add = OPS['r1 += 1']!;
    const m = new Toy([[add, add], [add, add]]);
    const t = run(m, [[0, 'r1 += 1'], [1, 'r1 += 1'], [0, 'r1 += 1'], [1, 'r1 += 1']]);
    const sh = shrinkTrace(m, [notEnding([0, 4, 0])], 'not-ending', t)!;
    expect(sh.before.contextSwitches).toBe(3);
    expect(contextSwitches(m, sh.trace)).toBe(1);
    expect(sh.trace.slice(1).map((x) => x.action!.p).join('')).toMatch(/^(0011|1100)$/);
    expect(sh.switchesMinimal).toBe(true);
  });

  it('reaches the fewest switches of any interleaving of the same steps (brute force, random programs)', () => {
    const names = Object.keys(OPS);
    const program = fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(fc.array(program, { minLength: 2, maxLength: 3 }), fc.array(fc.nat(2), { minLength: 12, maxLength: 12 }), (progs, picks) => {
        const m = new Toy(progs.map((p) => p.map((n) => OPS[n]!)));
        // a random complete interleaving; its end registers are the violation to shrink
        let s = m.initStates()[0]!;
        const t: TraceStep<S, A>[] = [{ state: s }];
        for (let i = 0; m.actions(s).length > 0; i++) {
          const acts = m.actions(s);
          const a = acts[(picks[i % picks.length] ?? 0) % acts.length]!;
          s = m.nextState(s, a);
          t.push({ action: a, state: s });
        }
        const inv = notEnding(s.r);
        const sh = shrinkTrace(m, [inv], inv.id, t)!;
        expect(sh).toBeDefined();
        expect(sh.trace.length).toBe(t.length); // programs: every step is needed to end
        expect(sh.finding.invariant).toBe('not-ending');
        expect(sh.switchesMinimal).toBe(true);
        expect(contextSwitches(m, sh.trace)).toBe(bruteMinSwitches(m, t, inv));
        expect(contextSwitches(m, sh.trace)).toBeLessThanOrEqual(sh.before.contextSwitches);
      }),
      { seed: 21, numRuns: 60 },
    );
  });
});

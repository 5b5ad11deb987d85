/**
 * Shrinking a counterexample by re-execution: first to fewer steps (delete
 * chunks of steps, then single steps, and run what is left through the model
 * again, keeping the candidate when it still violates the same invariant),
 * then to fewer context switches at the same length (search the interleavings
 * of the processes' own step sequences, cheapest first, for one that still
 * violates it). A shorter violation met while reordering restarts the
 * deletion. Steps are matched by process and label, never by editing text.
 */
import { Checker, type Finding } from '../search/checker.js';
import { Encoder } from '../search/fingerprint.js';
import type { Invariant } from '../invariant.js';
import type { Model } from '../model.js';
import { execute, keysOf, violates, type StepKey } from './reexecute.js';
import { contextSwitches, type TraceStep } from './trace.js';

export interface ShrinkOptions {
  /** Interleavings the context-switch search may expand (default 200,000). */
  maxNodes?: number;
  /**
   * Work budget of the whole shrink, in model steps executed (default
   * 2,000,000). A count, not a clock, so a shrink gives the same trace on any
   * machine.
   */
  maxSteps?: number;
}

export interface ShrinkResult<S, A> {
  readonly trace: TraceStep<S, A>[];
  readonly finding: Finding;
  /** Length and context switches of the trace given. */
  readonly before: { length: number; contextSwitches: number };
  /** False when a budget stopped the context-switch search before it proved the minimum. */
  readonly switchesMinimal: boolean;
}

interface Node<S> {
  readonly pos: readonly number[];
  readonly last: number;
  readonly s: S;
  readonly cost: number;
  readonly parent: Node<S> | null;
  readonly consumed: number;
  readonly goal: boolean;
}

class Shrinker<S, A> {
  private readonly checker: Checker<S, A>;
  private readonly enc = new Encoder();
  private readonly maxSteps: number;
  /** Model steps executed so far (re-executions and search expansions). */
  private work = 0;

  constructor(
    private readonly model: Model<S, A>,
    invariants: readonly Invariant<S, A>[],
    private readonly target: string,
    private readonly init: S,
    private readonly opts: ShrinkOptions,
  ) {
    this.checker = new Checker(model, invariants.filter((i) => i.id === target));
    this.maxSteps = opts.maxSteps ?? 2_000_000;
  }

  run(keys: readonly StepKey[], skip: boolean) {
    this.work += keys.length;
    return execute(this.model, this.checker, this.init, keys, skip);
  }

  private exhausted(): boolean {
    return this.work >= this.maxSteps;
  }

  /** Deletes chunks of steps (halving the chunk size down to one) while the violation stays. */
  fewerSteps(keys: StepKey[]): StepKey[] {
    let cur = keys;
    let chunk = Math.max(1, cur.length >> 1);
    for (;;) {
      let changed = false;
      for (let start = 0; start < cur.length && !this.exhausted(); ) {
        const cand = [...cur.slice(0, start), ...cur.slice(start + chunk)];
        const e = this.run(cand, true);
        if (violates(e, this.target) && e.trace.length - 1 < cur.length) {
          cur = keysOf(this.model, e.trace);
          changed = true;
        } else {
          start += chunk;
        }
      }
      if (!changed && chunk === 1) return cur;
      if (!changed) chunk = Math.max(1, chunk >> 1);
      if (this.exhausted()) return cur;
    }
  }

  private fingerprint(s: S): string {
    this.enc.reset();
    this.model.encode(s, this.enc);
    this.enc.hash();
    return `${this.enc.hi}:${this.enc.lo}`;
  }

  /**
   * 0-1 breadth-first search over the interleavings of the per-process step
   * sequences of `keys` (each process keeps its own order), the cost being
   * the context switches. Returns the cheapest interleaving that violates the
   * invariant with all steps, or a shorter violating sequence met on the way,
   * or undefined when the budget ran out first.
   */
  fewerSwitches(keys: readonly StepKey[]): { keys: StepKey[]; shorter: boolean } | undefined {
    const procs = [...new Set(keys.map((k) => k.process))];
    const seqs = procs.map((p) => keys.filter((k) => k.process === p));
    const total = keys.length;
    const path = (n: Node<S>): StepKey[] => {
      const out: StepKey[] = [];
      for (let x: Node<S> | null = n; x && x.parent; x = x.parent) out.push(seqs[x.last]![x.pos[x.last]! - 1]!);
      return out.reverse();
    };
    const best = new Map<string, number>();
    const deque: Node<S>[] = [{ pos: procs.map(() => 0), last: -1, s: this.init, cost: 0, parent: null, consumed: 0, goal: false }];
    let head = 0;
    const front: Node<S>[] = [];
    const maxNodes = this.opts.maxNodes ?? 200_000;
    let expanded = 0;
    while (front.length > 0 || head < deque.length) {
      const node = front.length > 0 ? front.pop()! : deque[head++]!;
      if (node.goal) return { keys: path(node), shorter: false };
      this.work++;
      if (++expanded > maxNodes || this.exhausted()) return undefined;
      const acts = this.model.actions(node.s);
      if (node.consumed > 0 && this.checker.checkEnd(node.s, acts.length)?.invariant === this.target) {
        return { keys: path(node), shorter: true };
      }
      for (let p = 0; p < procs.length; p++) {
        const i = node.pos[p]!;
        if (i >= seqs[p]!.length) continue;
        const key = seqs[p]![i]!;
        const a = acts.find((x) => this.model.process(x) === key.process && this.model.label(x) === key.label);
        if (a === undefined) continue;
        const n = this.model.nextState(node.s, a);
        const pos = node.pos.map((x, j) => (j === p ? x + 1 : x));
        const step = node.last >= 0 && node.last !== p ? 1 : 0;
        const child: Node<S> = { pos, last: p, s: n, cost: node.cost + step, parent: node, consumed: node.consumed + 1, goal: false };
        const f = this.checker.checkStep(node.s, a, n) ?? this.checker.checkState(n);
        let goal = false;
        if (f) {
          if (f.invariant !== this.target) continue;
          if (child.consumed < total) return { keys: path(child), shorter: true };
          goal = true;
        } else if (child.consumed === total) {
          if (this.checker.checkEnd(n, this.model.actions(n).length)?.invariant !== this.target) continue;
          goal = true;
        }
        const k = `${pos.join(',')}|${p}|${this.fingerprint(n)}`;
        const seen = best.get(k);
        if (seen !== undefined && seen <= child.cost) continue;
        best.set(k, child.cost);
        const item = goal ? { ...child, goal } : child;
        if (step === 0) front.push(item);
        else deque.push(item);
      }
    }
    return undefined;
  }
}

/**
 * Shrinks the trace of a violation of `target` (see the file comment).
 * `invariants` may hold more than the target; only the target is checked.
 */
export function shrinkTrace<S, A>(
  model: Model<S, A>,
  invariants: readonly Invariant<S, A>[],
  target: string,
  trace: readonly TraceStep<S, A>[],
  opts: ShrinkOptions = {},
): ShrinkResult<S, A> | undefined {
  const before = { length: trace.length - 1, contextSwitches: contextSwitches(model, trace) };
  const sh = new Shrinker(model, invariants, target, trace[0]!.state, opts);
  const first = sh.run(keysOf(model, trace), false);
  if (!violates(first, target)) return undefined;
  let keys = keysOf(model, first.trace);
  let minimal = false;
  for (let round = 0; round < 50; round++) {
    keys = sh.fewerSteps(keys);
    const r = sh.fewerSwitches(keys);
    if (r === undefined) break;
    keys = r.keys;
    if (!r.shorter) {
      minimal = true;
      break;
    }
  }
  const end = sh.run(keys, false);
  if (!violates(end, target)) return undefined;
  return { trace: end.trace, finding: end.finding!, before, switchesMinimal: minimal };
}

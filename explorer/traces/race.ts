/**
 * The race behind a violation, found by re-execution: two steps of different
 * processes whose order decides it. For each pair (i < j), the trace is run
 * again with step j moved just before step i, or step i moved just after step
 * j (each process keeping its own order); when every step still runs and the
 * invariant then holds, the pair is a race. The closest pair is named, the
 * later one first on ties. A violation no reordering avoids has no race.
 */
import { Checker } from '../search/checker.js';
import type { Invariant } from '../invariant.js';
import type { Model } from '../model.js';
import { execute, keysOf, violates, type StepKey } from './reexecute.js';
import type { TraceStep } from './trace.js';

export interface Race {
  /** Step numbers (1-based, as in the trace) of the two steps, first < second. */
  readonly first: number;
  readonly second: number;
  /** One sentence stating what re-execution showed. */
  readonly why: string;
}

const show = (n: number, k: StepKey) => `step ${n} (${k.process}: ${k.label})`;

export function findRace<S, A>(
  model: Model<S, A>,
  invariants: readonly Invariant<S, A>[],
  target: string,
  trace: readonly TraceStep<S, A>[],
): Race | undefined {
  const keys = keysOf(model, trace);
  if (new Set(keys.map((k) => k.process)).size < 2) return undefined;
  const checker = new Checker(model, invariants.filter((i) => i.id === target));
  const init = trace[0]!.state;
  /** True when the steps all run and the target invariant is not violated. */
  const holds = (cand: readonly StepKey[]): boolean => {
    const e = execute(model, checker, init, cand, false);
    return e.disabledAt === undefined && !violates(e, target) && e.finding === undefined;
  };
  const procBetween = (p: string, i: number, j: number) => keys.slice(i + 1, j).some((k) => k.process === p);
  let found: { i: number; j: number; moved: 'second' | 'first' } | undefined;
  for (let d = 1; d < keys.length && !found; d++) {
    for (let i = keys.length - 1 - d; i >= 0 && !found; i--) {
      const j = i + d;
      const a = keys[i]!, b = keys[j]!;
      if (a.process === b.process) continue;
      if (!procBetween(b.process, i, j)) {
        const cand = [...keys.slice(0, i), b, ...keys.slice(i, j), ...keys.slice(j + 1)];
        if (holds(cand)) found = { i, j, moved: 'second' };
      }
      if (!found && !procBetween(a.process, i, j)) {
        const cand = [...keys.slice(0, i), ...keys.slice(i + 1, j + 1), a, ...keys.slice(j + 1)];
        if (holds(cand)) found = { i, j, moved: 'first' };
      }
    }
  }
  if (!found) return undefined;
  const { i, j } = found;
  const a = keys[i]!, b = keys[j]!;
  const order = found.moved === 'second' ? `${show(j + 1, b)} before ${show(i + 1, a)}` : `${show(i + 1, a)} after ${show(j + 1, b)}`;
  const dropI = holds([...keys.slice(0, i), ...keys.slice(i + 1)]);
  const dropJ = holds([...keys.slice(0, j), ...keys.slice(j + 1)]);
  const drop = dropJ ? `; so does leaving out step ${j + 1}` : dropI ? `; so does leaving out step ${i + 1}` : '';
  return { first: i + 1, second: j + 1, why: `With ${order}, ${target} holds${drop}.` };
}

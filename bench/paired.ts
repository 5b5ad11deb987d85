/**
 * Runs of several worker counts measured in alternation. On a machine whose
 * load comes and goes (another tenant, a CI neighbour), a block of runs with
 * one worker and then a block with two compare two different moments: the
 * ratio moved by 1.3x between two such blocks here. Alternating the counts,
 * and reversing their order every round, puts the runs of one round side by
 * side, and the speed-up is the median of the rounds' own ratios.
 */

export interface Timed {
  readonly seconds: number;
}

export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) throw new RangeError('the median of no values');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * `samples` rounds; each round runs every count of `counts` once, in the
 * given order in even rounds and reversed in odd ones. Returns, per count
 * (in the order of `counts`), its runs in round order.
 */
export function alternate<T>(samples: number, counts: readonly number[], run: (workers: number) => T): T[][] {
  const out = counts.map((): T[] => []);
  for (let s = 0; s < samples; s++) {
    const order = counts.map((_, i) => i);
    if (s % 2 === 1) order.reverse();
    for (const i of order) out[i]!.push(run(counts[i]!));
  }
  return out;
}

/** How many times faster `many` ran than `one`: the median over rounds of one's seconds over many's in the same round. */
export function pairedSpeedup(one: readonly Timed[], many: readonly Timed[]): number {
  if (one.length !== many.length) throw new RangeError(`${one.length} and ${many.length} runs are not rounds of the same bench`);
  return median(one.map((r, i) => r.seconds / many[i]!.seconds));
}

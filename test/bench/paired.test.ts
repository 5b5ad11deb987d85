import { describe, expect, it } from 'vitest';
import { alternate, median, pairedSpeedup } from '../../bench/paired.js';

describe('bench runs in alternation', () => {
  it('alternates the counts, reversing their order every round, and returns each count\'s runs in round order', () => {
    const calls: number[] = [];
    const runs = alternate(4, [2, 1], (w) => {
      calls.push(w);
      return { w, n: calls.length };
    });
    expect(calls).toEqual([2, 1, 1, 2, 2, 1, 1, 2]);
    expect(runs[0]!.map((r) => r.n)).toEqual([1, 4, 5, 8]);
    expect(runs[1]!.map((r) => r.n)).toEqual([2, 3, 6, 7]);
    expect(alternate(0, [2, 1], () => 0)).toEqual([[], []]);
  });

  it('speed-up: the median of each round\'s own ratio, not the ratio of the medians', () => {
    // The machine slowed down for rounds 2 and 3; within each round two workers took 0.6 of one's time.
    const one = [10, 20, 20, 10].map((seconds) => ({ seconds }));
    const two = [6, 12, 12, 6].map((seconds) => ({ seconds }));
    expect(pairedSpeedup(one, two)).toBeCloseTo(1 / 0.6, 10);
    // Blocks: one worker measured while idle, two while slowed: the medians' ratio would say 1.2.
    expect(pairedSpeedup([{ seconds: 10 }, { seconds: 12 }, { seconds: 30 }], [{ seconds: 5 }, { seconds: 10 }, { seconds: 10 }])).toBe(2);
    expect(() => pairedSpeedup([{ seconds: 1 }], [])).toThrow(/not rounds of the same bench/);
  });

  it('median of an odd and an even count, and of none', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });
});

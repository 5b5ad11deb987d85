/**
 * The encoder's words, exactly: a list is its length, then its elements.
 * Written for the mutants of explorer/search/fingerprint.ts that the
 * fingerprint tests let live (pushList writing no elements, or one past the
 * end): both still encode [1],[2] and [1,2],[] differently, but no longer as
 * what the models' decoders read back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Encoder } from '../../explorer/search/fingerprint.js';

describe('encoder words', () => {
  it('a list is its length followed by its elements, nothing more', () => {
    const e = new Encoder(1);
    e.pushList([5, 6, 7]);
    e.pushList([]);
    e.pushList([-1]);
    expect(e.words()).toEqual([3, 5, 6, 7, 0, 1, -1]);
  });

  it('any sequence of lists reads back from its words', () => {
    const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    fc.assert(
      fc.property(fc.array(fc.array(i32, { maxLength: 20 }), { maxLength: 20 }), (lists) => {
        const e = new Encoder(1);
        for (const l of lists) e.pushList(l);
        const w = e.words();
        const back: number[][] = [];
        for (let at = 0; at < w.length; ) {
          const n = w[at]!;
          back.push(w.slice(at + 1, at + 1 + n));
          at += 1 + n;
        }
        expect(back).toEqual(lists);
      }),
      { seed: 4, numRuns: 100 },
    );
  });
});

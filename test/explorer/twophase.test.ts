import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/search/bfs.js';
import { TwoPhaseModel, twoPhaseInvariants } from '../../model/classic/twophase.js';

describe('two-phase commit', () => {
  it('3 RMs: 288 distinct states (TLC, Stateright), depth 10 steps (TLC: 11 states), consistent', () => {
    const r = explore(new TwoPhaseModel({ rms: 3 }), twoPhaseInvariants);
    expect(r.result).toBe('ok');
    expect(r.distinctStates).toBe(288);
    expect(r.depth).toBe(10);
    expect(r.witnesses).toEqual([{ invariant: 'tc-consistent', title: 'every resource manager committed', reached: true }]);
  });
  it('4 RMs: 1568 distinct states', () => {
    expect(explore(new TwoPhaseModel({ rms: 4 }), twoPhaseInvariants).distinctStates).toBe(1568);
  });
});

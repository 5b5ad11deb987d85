import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/search/bfs.js';
import { CounterModel, below, endsEven, noDoubleStep } from '../fixtures/counter.js';
import { LostUpdateModel, lostUpdateInvariants } from '../../model/classic/lost-update.js';
import { LoadedCodeError } from '../../explorer/errors.js';
import type { Invariant } from '../../explorer/invariant.js';
import type { Model } from '../../explorer/model.js';

describe('breadth-first search', () => {
  it('counts states and edges, and reaches witnesses', () => {
    const r = explore(new CounterModel(4), [below(100)]);
    // states: n=0 (last '-'), n=1..4 with last A or B
    expect(r.result).toBe('ok');
    expect(r.distinctStates).toBe(9);
    expect(r.depth).toBe(2); // 0 -> 2 -> 4
    expect(r.witnesses[0]!.reached).toBe(true);
    expect(r.collisionProbability).toBeLessThan(1e-15);
  });

  it('finds a shortest counterexample of a state invariant', () => {
    const r = explore(new CounterModel(10), [below(5)]);
    expect(r.result).toBe('violation');
    const v = r.violations[0]!;
    expect(v.invariant).toBe('below');
    expect(v.kind).toBe('state');
    expect(v.trace.length - 1).toBe(3); // 2 + 2 + 1
    expect(v.trace.at(-1)!.state.n).toBe(5);
  });

  it('reports a step invariant on the violating edge', () => {
    const r = explore(new CounterModel(10), [noDoubleStep]);
    const v = r.violations[0]!;
    expect(v.kind).toBe('step');
    expect(v.trace).toHaveLength(2);
    expect(v.trace[1]!.action).toEqual({ p: 'A', by: 2 });
  });

  it('checks progress invariants on terminal states', () => {
    expect(explore(new CounterModel(4), [endsEven]).result).toBe('ok');
    const r = explore(new CounterModel(3), [endsEven]);
    expect(r.violations[0]!.kind).toBe('progress');
    expect(r.violations[0]!.message).toContain('odd n = 3');
  });

  it('detects deadlock only where the model forbids the end state', () => {
    expect(explore(new CounterModel(3), []).result).toBe('ok');
    const r = explore(new CounterModel(3, true), []);
    expect(r.violations[0]!.invariant).toBe('deadlock');
    expect(r.violations[0]!.trace.length - 1).toBe(2);
  });

  it('--continue reports the shortest trace of every violated invariant', () => {
    const r = explore(new CounterModel(10), [below(5), noDoubleStep], { continueAfterViolation: true });
    expect(r.violations.map((v) => v.invariant).sort()).toEqual(['below', 'no-double-step']);
    expect(r.violations.find((v) => v.invariant === 'below')!.trace.length - 1).toBe(3);
    expect(r.distinctStates).toBe(21);
  });

  it('stops at the state bound with a partial result', () => {
    const r = explore(new CounterModel(50), [], { maxStates: 10 });
    expect(r.result).toBe('incomplete');
    expect(r.stoppedBy).toBe('max-states');
    expect(r.frontier).toBeGreaterThan(0);
  });

  it('stops at the depth bound and says so', () => {
    const r = explore(new CounterModel(50), [], { maxDepth: 3 });
    expect(r.result).toBe('ok');
    expect(r.stoppedBy).toBe('depth');
    expect(r.depth).toBe(3);
  });

  it('stops at the time limit', () => {
    const r = explore(new CounterModel(1_000_000), [], { timeLimitMs: 1 });
    expect(r.result).toBe('incomplete');
    expect(r.stoppedBy).toBe('time-limit');
  });

  it('stops when asked (memory cap, interrupt) and shows progress', () => {
    const seen: number[] = [];
    let polls = 0;
    const r = explore(new CounterModel(1_000_000), [], {
      shouldStop: () => (++polls === 3 ? 'interrupt' : undefined),
      onProgress: (p) => seen.push(p.distinctStates),
    });
    expect(r.stoppedBy).toBe('interrupt');
    expect(r.result).toBe('incomplete');
  });

  it('finds the lost update in 4 steps and passes with the lock', () => {
    const bug = explore(new LostUpdateModel({ threads: 2, irqs: 3 }, false), lostUpdateInvariants);
    expect(bug.violations[0]!.trace.length - 1).toBe(4);
    const fixed = explore(new LostUpdateModel({ threads: 2, irqs: 3 }, true), lostUpdateInvariants);
    expect(fixed.result).toBe('ok');
    expect(fixed.witnesses[0]!.reached).toBe(true);
  });

  describe('when the model throws (loaded code), it stops where a state-by-state search would', () => {
    // The fan model: 0 has the successors 1..40 (one level, expanded in
    // chunks of frontier states), and each of those the successors 100n + 1
    // and 100n + 2. Each case throws at one state or step.
    type Fan = { readonly n: number };
    const fan = (throwsAt: { actions?: number; step?: [number, number] }): Model<Fan, number> => ({
      initStates: () => [{ n: 0 }],
      actions: (s) => {
        if (s.n === throwsAt.actions) throw new LoadedCodeError(`actions of ${s.n}`);
        return s.n === 0 ? Array.from({ length: 40 }, (_, i) => i + 1) : s.n <= 40 ? [1, 2] : [];
      },
      nextState: (s, a) => {
        if (throwsAt.step && s.n === throwsAt.step[0] && a === throwsAt.step[1]) throw new LoadedCodeError(`step ${a} of ${s.n}`);
        return { n: s.n === 0 ? a : 100 * s.n + a };
      },
      encode: (s, e) => e.push(s.n),
      process: () => 'p',
      label: (a) => String(a),
      toJson: (s) => s,
    });
    const not = (bad: number): Invariant<Fan, number> => ({ id: 'not', title: `never ${bad}`, kind: 'state', source: 'test', check: (s) => (s.n === bad ? `reached ${bad}` : null) });

    it('a violation in a state before the one that throws is found, as it would be', () => {
      for (const throwsAt of [{ actions: 9 }, { step: [9, 1] as [number, number] }]) {
        const r = explore(fan(throwsAt), [not(5)]);
        expect(r.result).toBe('violation');
        expect(r.violations[0]!.trace.at(-1)!.state).toEqual({ n: 5 });
        expect(r.loadedError).toBeUndefined();
      }
    });

    it('the state that throws is expanded as far as it got: its state invariants, the steps before the one that threw', () => {
      // 0, then 1..40, then 101, 102, ..., 801, 802: the states and steps before the throw.
      const atStep = explore(fan({ step: [9, 2] }), []);
      expect(atStep.loadedError).toBe('step 2 of 9');
      expect(atStep.distinctStates).toBe(1 + 40 + 2 * 8 + 1);
      expect(atStep.transitions).toBe(40 + 2 * 8 + 1);
      expect(explore(fan({ step: [9, 1] }), [not(9)]).result).toBe('violation');
      const atActions = explore(fan({ actions: 9 }), []);
      expect(atActions.loadedError).toBe('actions of 9');
      expect(atActions.distinctStates).toBe(1 + 40 + 2 * 8);
      expect(atActions.transitions).toBe(40 + 2 * 8);
    });
  });
});

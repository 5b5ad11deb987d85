/**
 * The parallel search's coverage counts (--coverage with --workers > 1): the
 * main thread reads a coverage key per transition from each reply and counts
 * it, fresh or not. The oracles: the sequential search's counts for the same
 * model, and the search's own totals (every transition counted once, every
 * state but the initial ones new once). Written for mutants of
 * explorer/search/parallel.ts on the coverage path, which the parallel tests
 * without --coverage cannot reach.
 */
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/search/bfs.js';
import { exploreParallel } from '../../explorer/search/parallel.js';
import { CoverageCounter } from '../../explorer/search/coverage.js';
import { modelFactoryUrl } from '../../explorer/cli/model-factory.js';
import { ObjtableModel } from '../../bench/objtable.js';
import { objtableInvariants } from '../../bench/objtable-invariants.js';
import { TwoPhaseModel, twoPhaseInvariants } from '../../model/classic/twophase.js';
import type { Model } from '../../explorer/model.js';
import type { Invariant } from '../../explorer/invariant.js';
import type { ModelSource } from '../../explorer/search/parallel-protocol.js';

function compare<S, A>(make: () => Model<S, A>, invs: readonly Invariant<S, A>[], source: ModelSource, initial: number): void {
  const seqCov = new CoverageCounter(make());
  const seq = explore(make(), invs, { coverage: seqCov });
  const want = seqCov.report();
  const fired = want.actions.reduce((n, a) => n + a.fired, 0);
  const fresh = want.actions.reduce((n, a) => n + a.newStates, 0);
  expect(fired).toBe(seq.transitions);
  expect(fresh).toBe(seq.distinctStates - initial);
  for (const w of [2, 3]) {
    const cov = new CoverageCounter(make());
    const par = exploreParallel(make(), invs, source, w, { coverage: cov });
    expect(par.distinctStates).toBe(seq.distinctStates);
    expect(par.transitions).toBe(seq.transitions);
    expect(cov.report(), `${w} workers`).toEqual(want);
  }
}

describe('parallel search with coverage', () => {
  it('counts every transition and every new state as the sequential search does (objtable: several batches per level)', () => {
    const scope = { P: 4, K: 4, M: 4 };
    const m = () => new ObjtableModel(scope);
    const initial = m().initStates().length;
    compare(m, objtableInvariants(scope), { factory: modelFactoryUrl(), modelName: 'bench', scope, variant: {} }, initial);
  }, 600_000);

  it('and on twophase', () => {
    const scope = { rms: 3 };
    const m = () => new TwoPhaseModel(scope);
    compare(m, twoPhaseInvariants, { factory: modelFactoryUrl(), modelName: 'twophase', scope, variant: {} }, m().initStates().length);
  }, 600_000);
});

import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/search/bfs.js';
import { exploreParallel } from '../../explorer/search/parallel.js';
import { modelFactoryUrl } from '../../explorer/cli/model-factory.js';
import { MODELS } from '../../model/registry.js';
import type { AnyModelSpec } from '../../explorer/spec.js';

// Scopes small enough to explore twice here; larger ones are covered by bench.
const CAP = 300_000;

function run(spec: AnyModelSpec, scopeName: string, variant: Record<string, string>, symmetry: boolean, por: boolean) {
  const scope = spec.scopes[scopeName];
  const model = spec.build(scope, variant, { symmetry });
  return explore(model, spec.invariants(scope, variant), { maxStates: CAP, por });
}

const shipped = MODELS.filter((m) => m.name !== 'iommufd');

describe('symmetry and partial-order reduction keep every verdict', () => {
  for (const spec of shipped) {
    for (const scopeName of Object.keys(spec.scopes)) {
      for (const variantName of Object.keys(spec.presets)) {
        const variant = spec.presets[variantName]!;
        it(`${spec.name} ${scopeName} ${variantName}`, () => {
          const base = run(spec, scopeName, variant, false, false);
          if (base.result === 'incomplete') return; // too big for a unit test
          for (const [sym, por] of [[true, false], [false, true], [true, true]] as const) {
            const r = run(spec, scopeName, variant, sym, por);
            expect(r.result, `symmetry=${sym} por=${por}`).toBe(base.result);
            expect(r.violations.map((v) => v.invariant)).toEqual(base.violations.map((v) => v.invariant));
            expect(r.distinctStates).toBeLessThanOrEqual(base.distinctStates);
            // Symmetry keeps counterexamples shortest; an ample set postpones
            // steps, so with POR a counterexample can only be longer.
            for (const [i, v] of r.violations.entries()) {
              if (por) expect(v.trace.length).toBeGreaterThanOrEqual(base.violations[i]!.trace.length);
              else expect(v.trace.length).toBe(base.violations[i]!.trace.length);
            }
          }
        });
      }
    }
  }

  it('reduce where the model declares it: threads of objtable, the interrupt of lost-update', () => {
    const bench = MODELS.find((m) => m.name === 'bench')!;
    expect(run(bench, 'small', {}, true, false).distinctStates).toBeLessThan(run(bench, 'small', {}, false, false).distinctStates / 20);
    const lu = MODELS.find((m) => m.name === 'lostupdate')!;
    expect(run(lu, 'three', { lock: 'on' }, false, true).distinctStates).toBeLessThan(run(lu, 'three', { lock: 'on' }, false, false).distinctStates);
  });

  it('symmetric traces replay on real states, sequential and parallel alike', () => {
    const lu = MODELS.find((m) => m.name === 'lostupdate')!;
    const scope = lu.scopes['three'];
    const seq = explore(lu.build(scope, { lock: 'off' }, { symmetry: true }), lu.invariants(scope, { lock: 'off' }));
    const par = exploreParallel(lu.build(scope, { lock: 'off' }, { symmetry: true }), lu.invariants(scope, { lock: 'off' }), { factory: modelFactoryUrl(), modelName: 'lostupdate', scope, variant: { lock: 'off' }, symmetry: true }, 2);
    expect(par.distinctStates).toBe(seq.distinctStates);
    const last = seq.violations[0]!.trace.at(-1)!.state as { pc: number[] };
    expect(last.pc).toEqual([2, 2, 2]);
    expect(par.violations[0]!.trace.map((t) => t.state)).toEqual(seq.violations[0]!.trace.map((t) => t.state));
  });
});

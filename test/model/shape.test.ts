/**
 * Every state the model hands the search has its objects in the declared
 * shape (model/iommufd/state/shape.ts): the declared fields in the declared
 * order at every level, for the states a step builds and for those decode
 * builds, with --load fields too; what a step did not change stays shared.
 */
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/search/bfs.js';
import type { Invariant } from '../../explorer/invariant.js';
import { iommufdSpec } from '../../model/iommufd/index.js';
import { makeSettle } from '../../model/iommufd/state/shape.js';
import { STATE_SCHEMA, type FieldType } from '../../model/iommufd/state/state-schema.js';
import type { Action, State } from '../../model/iommufd/state/types.js';
import { FIXED, V2, modelFor } from './helpers.js';
import { ONE_OF_EACH } from './helpers-extension.js';

/** Where `v`'s keys are not `type`'s declared fields in the declared order, or null. */
function outOfOrder(v: unknown, type: FieldType, path: string): string | null {
  if (type.t === 'list') {
    const xs = v as readonly unknown[];
    for (let i = 0; i < xs.length; i++) {
      const m = outOfOrder(xs[i], type.of, `${path}[${i}]`);
      if (m) return m;
    }
    return null;
  }
  if (type.t !== 'record') return null;
  const keys = Object.keys(v as object);
  const want = Object.keys(type.fields);
  if (keys.join() !== want.join()) return `${path || 'the state'} has ${keys.join(',')}; declared ${want.join(',')}`;
  for (const k of want) {
    const m = outOfOrder((v as Record<string, unknown>)[k], type.fields[k]!.type, path ? `${path}.${k}` : k);
    if (m) return m;
  }
  return null;
}

/** Explores `model` and checks every state (decoded: the state invariants see those) and every successor (the step invariants see those) against `schema`. */
function shapesOf(model: ReturnType<typeof modelFor>, schema: FieldType, maxStates: number) {
  let bad: string | null = null;
  let states = 0;
  let steps = 0;
  const invs: Invariant<State, Action>[] = [
    { id: 'decoded', title: 't', source: 'test', kind: 'state', check: (s) => { states++; bad ??= outOfOrder(s, schema, ''); return null; } },
    { id: 'stepped', title: 't', source: 'test', kind: 'step', check: (_p, _a, n) => { steps++; bad ??= outOfOrder(n, schema, ''); return null; } },
  ];
  const r = explore(model, invs, { maxStates });
  return { bad, states, steps, result: r };
}

describe('the declared shape of every state', () => {
  for (const [scope, v] of [['ci', FIXED], ['count-race', V2], ['group-replace', FIXED], ['adopt-unverified', FIXED], ['partial-group', FIXED]] as const) {
    it(`scope ${scope}: decoded states and successors have the declared fields in the declared order`, () => {
      const model = modelFor(scope, v);
      expect(outOfOrder(model.initStates()[0], STATE_SCHEMA, '')).toBeNull();
      const { bad, states, steps } = shapesOf(model, STATE_SCHEMA, 3000);
      expect(bad).toBeNull();
      expect(states).toBeGreaterThan(20);
      expect(steps).toBeGreaterThan(states);
    });
  }

  it('with --load fields on the state and on a kind: they keep their values, in declared order after the model\'s', () => {
    const spec = iommufdSpec.extend!('shape.mjs', '/nowhere/shape.mjs', {
      fields: [
        { on: 'state', name: 'ticks', type: 'int', min: 0, max: 3, init: 0 },
        { on: 'hwpts', name: 'dirty', type: 'bool', init: false },
      ],
      actions: [{ op: 'tick', type: 'ext_tick', source: 'test: tick', steps: [{ effect: (s: { ticks: number; hwpts: { dirty: boolean }[] }) => { s.ticks += 1; s.hwpts[0]!.dirty = true; } }] }],
    })!;
    const model = spec.build(spec.parseScope({ ...ONE_OF_EACH, threads: [[{ op: 'tick' }, { op: 'attach', dev: 0, hwpt: 0 }]] }), { ...FIXED });
    const schema = (model as unknown as { ctx: { ext: { schema: FieldType } } }).ctx.ext.schema;
    expect(Object.keys((schema as { fields: object }).fields).slice(-1)).toEqual(['ticks']);
    const { bad, steps } = shapesOf(model as ReturnType<typeof modelFor>, schema, 10_000);
    expect(bad).toBeNull();
    expect(steps).toBeGreaterThan(0);
    // The loaded step's writes survive settling.
    const s0 = model.initStates()[0]!;
    const tick = model.actions(s0).find((a) => model.label(a).startsWith('ext_tick'))!;
    const s1 = model.nextState(s0, tick) as unknown as { ticks: number; hwpts: { dirty: boolean }[] };
    expect(s1.ticks).toBe(1);
    expect(s1.hwpts[0]!.dirty).toBe(true);
  });

  it('a --load field of the state or of a thread keeps its value through the model\'s own steps', () => {
    const spec = iommufdSpec.extend!('carry.mjs', '/nowhere/carry.mjs', {
      fields: [
        { on: 'state', name: 'ticks', type: 'int', min: 0, max: 3, init: 0 },
        { on: 'threads', name: 'mark', type: 'bool', init: false },
      ],
      actions: [{ op: 'mark', type: 'ext_mark', source: 'test: mark', steps: [{ effect: (s: { ticks: number; threads: { mark: boolean }[] }) => { s.ticks += 1; s.threads[0]!.mark = true; } }] }],
    })!;
    const model = spec.build(spec.parseScope({ ...ONE_OF_EACH, ioas: [{}], threads: [[{ op: 'map_file', ioas: 0, memfd: 0, page: 0, iova: 1 }], [{ op: 'mark' }]] }), { ...FIXED });
    type X = State & { ticks: number; threads: readonly (State['threads'][number] & { mark: boolean })[] };
    let moved = 0;
    let kept = 0;
    const carried: Invariant<State, Action> = {
      id: 'carried', title: 't', source: 'test', kind: 'step',
      check: (p0, _a, n0) => {
        const [p, n] = [p0 as X, n0 as X];
        if (n.ticks < p.ticks) return `ticks went from ${p.ticks} to ${n.ticks}`;
        const [tp, tn] = [p.threads[0]!, n.threads[0]!];
        if (tp.op < 0 || tn.op !== tp.op || tn.pc === tp.pc) return null;
        moved++;
        if (tp.mark) kept++;
        return tp.mark && !tn.mark ? `T1's mark was lost going from ${tp.pc} to ${tn.pc}` : null;
      },
    };
    const r = explore(model, [carried], {});
    expect(r.violations).toEqual([]);
    expect(moved).toBeGreaterThan(0);
    expect(kept).toBeGreaterThan(0);
  });

  it('settling copies what the step built and shares what it did not', () => {
    const settle = makeSettle(STATE_SCHEMA);
    const p = modelFor('ci').initStates()[0]!;
    // The objects a step built, with their fields in another order: settling puts them in the declared one.
    const reversed = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).reverse()) as T;
    const n = reversed({ ...p, hwpts: p.hwpts.map((h, i) => (i === 1 ? reversed({ ...h, users: h.users + 1 }) : h)), boot: 1 }) as State;
    const s = settle(n, p);
    expect(s).toEqual(n);
    expect(Object.keys(s)).toEqual(Object.keys(STATE_SCHEMA.fields));
    expect(s.memfds).toBe(p.memfds);
    expect(s.threads).toBe(p.threads);
    expect(s.hwpts).not.toBe(n.hwpts);
    expect(s.hwpts[0]).toBe(p.hwpts[0]);
    expect(s.hwpts[1]).not.toBe(n.hwpts[1]);
    expect(s.hwpts[1]).toEqual(n.hwpts[1]);
    expect(s.hwpts[1]!.domain).toBe(p.hwpts[1]!.domain);
    expect(outOfOrder(s, STATE_SCHEMA, '')).toBeNull();
    // A step that changed nothing returns the state it came from; n itself is never written.
    expect(settle(p, p)).toBe(p);
    expect(Object.keys(n).at(-1)).toBe('phase');
    // With no state before it (an initial state), every object is copied.
    const fresh = settle(p, undefined);
    expect(fresh).toEqual(p);
    expect(fresh.hwpts[0]).not.toBe(p.hwpts[0]);
  });

  it('a field name is data, never code', () => {
    const odd = "x'); throw new Error('ran'); ('";
    const schema: FieldType = { t: 'record', fields: { [odd]: { type: { t: 'int', min: 0, max: 1 }, doc: '' }, 'a-b': { type: { t: 'bool' }, doc: '' } } };
    const settle = makeSettle(schema) as unknown as (n: object, p: object | undefined) => Record<string, unknown>;
    expect(settle({ 'a-b': true, [odd]: 1 }, undefined)).toEqual({ [odd]: 1, 'a-b': true });
  });

  it('v2 and fixed states decode into the declared shape', () => {
    for (const v of [FIXED, V2]) {
      const model = modelFor('deep', v);
      const seen: State[] = [];
      explore(model, [{ id: 'c', title: 't', source: 'test', kind: 'state', check: (s) => { seen.push(s); return null; } }], { maxStates: 2000 });
      expect(seen.length).toBeGreaterThan(200);
      for (const s of seen) expect(outOfOrder(s, STATE_SCHEMA, '')).toBeNull();
    }
  });
});

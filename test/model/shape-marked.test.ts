/**
 * The VMM step helpers (state/process.ts) build the state and the thread
 * with the declared fields in the declared order and mark them; settling
 * (state/shape.ts) takes a marked object as it is and settles the objects
 * inside it in place. Its own file: the --load tests of shape.test.ts
 * register fields of the state, which (process-wide) turn the marking off.
 */
import { describe, expect, it } from 'vitest';
import { makeSettle } from '../../model/iommufd/state/shape.js';
import { ret } from '../../model/iommufd/state/process.js';
import { STATE_SCHEMA } from '../../model/iommufd/state/state-schema.js';
import type { State } from '../../model/iommufd/state/types.js';
import { modelFor } from './helpers.js';

const keysDeep = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(keysDeep) : v !== null && typeof v === 'object' ? Object.entries(v).map(([k, x]) => [k, keysDeep(x)]) : v;

describe('settling a state a VMM step helper built', () => {
  it('takes it as it is and settles the new objects inside it', () => {
    const settle = makeSettle(STATE_SCHEMA);
    const p = modelFor('ci').initStates()[0]!;
    const reversed = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).reverse()) as T;
    // A kernel step's copy of a memfd with its fields in another order, then the thread returns.
    const mid = { ...p, memfds: p.memfds.map((m, i) => (i === 0 ? reversed({ ...m, seals: m.seals | 1 }) : m)) } as State;
    const n = ret(mid, 0, 0);
    const s = settle(n, p);
    expect(s).toBe(n);
    expect(s.threads[0]).toBe(n.threads[0]);
    expect(Object.keys(s.memfds[0]!)).toEqual(Object.keys(p.memfds[0]!));
    expect(keysDeep(s)).toEqual(keysDeep(settle({ ...s }, undefined)));
    expect(s.memfds[0]!.seals).toBe(p.memfds[0]!.seals | 1);
    expect(s.memfds[1]).toBe(p.memfds[1]);
    expect(s.threads[0]!.done).toBe(1);
    expect(s.threads[1]).toBe(p.threads[1]);
  });

  it('copies anything else, as before', () => {
    const settle = makeSettle(STATE_SCHEMA);
    const p = modelFor('ci').initStates()[0]!;
    const n = ret(p, 0, 0);
    const other = { ...n };
    const s = settle(other, p);
    expect(s).not.toBe(other);
    expect(s).toEqual(other);
  });
});

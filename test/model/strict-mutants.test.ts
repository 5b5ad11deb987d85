/**
 * The view loaded code gets of the state (model/iommufd/state/strict.ts),
 * on its own, against a small declared type: what it lets through (declared
 * fields, list elements and lengths, array methods, JSON), what it refuses
 * and with which message (an undeclared field read or written, any write
 * or definition through a read-only view, any delete), that it wraps the
 * same object once, and deepCopy. The e2e extension tests reach it through
 * the built command, which mutation testing does not mutate.
 */
import { describe, expect, it } from 'vitest';
import { STATE_SCHEMA, type FieldType } from '../../model/iommufd/state/state-schema.js';
import { FieldError, deepCopy, strictView } from '../../model/iommufd/state/strict.js';
import { modelFor } from './helpers.js';

const INT: FieldType = { t: 'int', min: 0, max: 9 };
const ITEM: FieldType = { t: 'record', fields: { y: { type: INT, doc: 'y' } } };
const TYPE: FieldType = {
  t: 'record',
  fields: {
    a: { type: INT, doc: 'a' },
    r: { type: { t: 'record', fields: { x: { type: INT, doc: 'x' }, z: { type: INT, doc: 'z' } } }, doc: 'r' },
    l: { type: { t: 'list', of: ITEM, max: 4 }, doc: 'l' },
    n: { type: { t: 'list', of: INT, max: 4 }, doc: 'n' },
  },
};
type Plain = { a: number; r: { x: number; z: number }; l: { y: number }[]; n: number[] };
const plain = (): Plain => ({ a: 1, r: { x: 2, z: 3 }, l: [{ y: 4 }, { y: 5 }], n: [6, 7] });

/** The FieldError `f` throws, or a failure if it throws nothing or something else. */
function fieldError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FieldError);
    expect((e as Error).name).toBe('FieldError');
    return (e as Error).message;
  }
  throw new Error('no FieldError');
}

describe('a read-only view', () => {
  it('reads declared fields, nested records, list elements, lengths and array methods as the object has them', () => {
    const s = plain();
    const v = strictView(s, TYPE, false, 'the check of invariant t');
    expect(v.a).toBe(1);
    expect(v.r.x).toBe(2);
    expect(v.l[1]!.y).toBe(5);
    expect(v.l.length).toBe(2);
    expect(v.n.map((k) => k * 2)).toEqual([12, 14]);
    expect(v.l.some((i) => i.y === 4)).toBe(true);
    expect(v.l[7]).toBeUndefined(); // past the end, as for any array
    expect(JSON.parse(JSON.stringify(v))).toEqual(s);
    expect('a' in v).toBe(true);
    expect('q' in v).toBe(false);
    expect(String(v.n)).toBe('6,7');
    expect(Object.prototype.hasOwnProperty.call(v, 'a')).toBe(true);
  });

  it('gives the same view of the same object every time, and a number as it is', () => {
    const v = strictView(plain(), TYPE, false, 'w');
    expect(v.r).toBe(v.r);
    expect(v.l[0]).toBe(v.l[0]);
    expect(v.l).toBe(v.l);
    expect(strictView(5, INT, false, 'w')).toBe(5);
    const nul = { ...plain(), r: null } as unknown as Plain;
    expect(strictView(nul, TYPE, false, 'w').r).toBeNull();
  });

  it('refuses a field that is not declared, naming it, where it was read, who read it and the fields there are', () => {
    const v = strictView(plain(), TYPE, false, 'the check of invariant t') as unknown as Record<string, Record<string, unknown>>;
    expect(fieldError(() => v['b'])).toBe('the check of invariant t reads field "b" of the state, which does not exist; its fields: a, r, l, n (docs/state.md)');
    expect(fieldError(() => v['r']!['w'])).toBe('the check of invariant t reads field "w" of r, which does not exist; its fields: x, z (docs/state.md)');
    const l = (v as unknown as Plain).l as unknown as Record<string, unknown>[];
    expect(fieldError(() => l[1]!['q'])).toBe('the check of invariant t reads field "q" of l[1], which does not exist; its fields: y (docs/state.md)');
    // a list has no fields: a name that is not an index reads as on any array
    expect((v['n'] as unknown as Record<string, unknown>)['foo']).toBeUndefined();
  });

  it('refuses every write, definition and delete, naming what and where', () => {
    const v = strictView(plain(), TYPE, false, 'the guard of x step S') as unknown as Plain;
    expect(fieldError(() => ((v as { a: number }).a = 2))).toBe('the guard of x step S writes a of the state; only an action\'s effect may change the state');
    expect(fieldError(() => (v.r.x = 3))).toBe('the guard of x step S writes x of r; only an action\'s effect may change the state');
    expect(fieldError(() => Object.defineProperty(v.l, '0', { value: 1 }))).toBe('the guard of x step S defines 0 on l; only an action\'s effect may change the state');
    expect(fieldError(() => delete (v.r as Partial<Plain['r']>).z)).toBe('the guard of x step S deletes z of r; fields of the state are never removed');
    expect(fieldError(() => v.n.push(1))).toMatch(/^the guard of x step S (writes|defines) 2 (of|on) n; /);
  });
});

describe('the object under a view stays as the engine made it', () => {
  it('a descriptor gives the field behind the view, so loaded code cannot reach the object through it', () => {
    const s = plain();
    const v = strictView(s, TYPE, false, 'the check of invariant t') as unknown as Plain;
    const r = Object.getOwnPropertyDescriptor(v, 'r')!.value as Plain['r'];
    expect(r).toBe(v.r);
    expect(fieldError(() => (r.x = 9))).toBe("the check of invariant t writes x of r; only an action's effect may change the state");
    const e = Object.getOwnPropertyDescriptor(v.l, '1')!.value as Plain['l'][number];
    expect(fieldError(() => (e.y = 0))).toBe("the check of invariant t writes y of l[1]; only an action's effect may change the state");
    expect(Object.getOwnPropertyDescriptor(v, 'a')).toEqual({ value: 1, writable: true, enumerable: true, configurable: true });
    expect(Object.getOwnPropertyDescriptor(v.n, 'length')!.value).toBe(2);
    expect(Object.getOwnPropertyDescriptor(v, 'q')).toBeUndefined();
    expect(s).toEqual(plain());
  });

  it('a frozen object\'s field is given as it is (a proxy must), and stays unchangeable', () => {
    const s = plain();
    Object.freeze(s.r);
    Object.freeze(s);
    const v = strictView(s, TYPE, false, 'w') as unknown as Plain;
    expect(Object.getOwnPropertyDescriptor(v, 'r')!.value).toBe(s.r);
  });

  it('refuses Object.freeze, Object.seal, Object.preventExtensions and a new prototype, through a read-only view and a draft, leaving the object extensible', () => {
    for (const writable of [false, true]) {
      const s = plain();
      const v = strictView(s, TYPE, writable, 'the check of invariant t') as unknown as Plain;
      expect(fieldError(() => Object.freeze(v))).toBe("the check of invariant t freezes or seals the state; the engine owns the state's objects");
      expect(fieldError(() => Object.seal(v.r))).toBe("the check of invariant t freezes or seals r; the engine owns the state's objects");
      expect(fieldError(() => Object.preventExtensions(v.l[0]))).toBe("the check of invariant t freezes or seals l[0]; the engine owns the state's objects");
      expect(fieldError(() => Object.setPrototypeOf(v.l, null))).toBe("the check of invariant t sets the prototype of l; the engine owns the state's objects");
      expect(Object.isExtensible(s)).toBe(true);
      expect(Object.isExtensible(s.r)).toBe(true);
      expect(Object.isExtensible(s.l[0])).toBe(true);
      expect(Object.getPrototypeOf(s.l)).toBe(Array.prototype);
      expect(s).toEqual(plain());
    }
  });
});

describe('a draft (writable view)', () => {
  it('writes declared fields and list elements through to the object, and refuses an undeclared field or a delete', () => {
    const s = plain();
    const v = strictView(s, TYPE, true, 'the effect of x') as unknown as Plain & Record<string, unknown>;
    v.a = 4;
    v.r.x = 8;
    v.l[0]!.y = 9;
    v.n.push(3);
    Object.defineProperty(v.r, 'z', { value: 0, writable: true, enumerable: true, configurable: true });
    expect(s).toEqual({ a: 4, r: { x: 8, z: 0 }, l: [{ y: 9 }, { y: 5 }], n: [6, 7, 3] });
    expect(fieldError(() => (v['extra'] = 1))).toBe('the effect of x writes field "extra" of the state, which is not declared; its fields: a, r, l, n (add new ones with `fields`)');
    expect(fieldError(() => ((v.r as unknown as Record<string, number>)['w'] = 1))).toBe('the effect of x writes field "w" of r, which is not declared; its fields: x, z (add new ones with `fields`)');
    expect(fieldError(() => delete (v as Partial<Plain>).a)).toBe('the effect of x deletes a of the state; fields of the state are never removed');
  });
});

describe('deepCopy', () => {
  it('copies plain data all the way down: equal, and sharing no object', () => {
    const s = plain();
    const c = deepCopy(s);
    expect(c).toEqual(s);
    expect(c).not.toBe(s);
    expect(c.r).not.toBe(s.r);
    expect(c.l).not.toBe(s.l);
    expect(c.l[0]).not.toBe(s.l[0]);
    expect(Array.isArray(c.n)).toBe(true);
    c.l[0]!.y = 0;
    expect(s.l[0]!.y).toBe(4);
    expect(deepCopy(null)).toBeNull();
    expect(deepCopy('s')).toBe('s');
  });
});

describe('the model\'s state behind the declared schema', () => {
  it('an initial state of ci reads through a read-only view as itself', () => {
    // a copy: under vitest.mutate.config.ts (one module graph) an earlier
    // file may have deep-frozen the model's shared constants (NO_BLOB), and
    // a proxy must return a frozen object's own field unwrapped
    const s = deepCopy(modelFor('ci').initStates()[0]!);
    const v = strictView(s, STATE_SCHEMA, false, 'test');
    expect(JSON.parse(JSON.stringify(v))).toEqual(JSON.parse(JSON.stringify(s)));
    expect(v.hwpts[0]!.domain.leaves).toEqual(s.hwpts[0]!.domain.leaves);
  });
});

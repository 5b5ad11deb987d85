/**
 * The state as loaded code sees it: the same objects, behind a view that
 * knows the declared state (state-schema.ts plus the fields of --load
 * extensions). Reading a field that is not declared throws a FieldError
 * naming it and the fields there are; a read-only view refuses every write;
 * a draft (a copy an extension's effect may change) refuses a write to an
 * undeclared field. The loader turns a FieldError into a one-line error with
 * the file and line of the loaded code that made the access.
 */
import type { FieldType } from './state-schema.js';

export class FieldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldError';
  }
}

const PASS = new Set<string | symbol>(['toJSON', 'then', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString']);

function fieldsOf(t: FieldType): readonly string[] {
  return t.t === 'record' ? Object.keys(t.fields) : [];
}

function child(t: FieldType, prop: string): FieldType | undefined {
  if (t.t === 'record') return t.fields[prop]?.type;
  if (t.t === 'list' && /^(0|[1-9][0-9]*)$/.test(prop)) return t.of;
  return undefined;
}

function isComposite(t: FieldType | undefined): boolean {
  return t !== undefined && (t.t === 'record' || t.t === 'list');
}

/**
 * A strict view of `root` (typed by `type`): `writable` for a draft.
 * `what` says in errors who reads ("the check of invariant x").
 */
export function strictView<T>(root: T, type: FieldType, writable: boolean, what: string): T {
  const cache = new WeakMap<object, unknown>();
  const wrap = (v: unknown, t: FieldType, path: string): unknown => {
    if (!isComposite(t) || typeof v !== 'object' || v === null) return v;
    const hit = cache.get(v);
    if (hit) return hit;
    /** This object, and the path of its field or element `prop`, as errors name them. */
    const here = path || 'the state';
    const at = (prop: string) => (t.t === 'list' ? `${path}[${prop}]` : path ? `${path}.${prop}` : prop);
    const p = new Proxy(v as object, {
      get(target, prop, receiver) {
        if (typeof prop === 'symbol' || PASS.has(prop)) return Reflect.get(target, prop, receiver);
        if (t.t === 'list' && (prop === 'length' || prop in Array.prototype)) return Reflect.get(target, prop, receiver);
        const ct = child(t, prop);
        if (ct === undefined) {
          if (t.t === 'list') return undefined; // past the end, as for any array
          throw new FieldError(`${what} reads field ${JSON.stringify(prop)} of ${here}, which does not exist; its fields: ${fieldsOf(t).join(', ')} (docs/state.md)`);
        }
        return wrap(Reflect.get(target, prop), ct, at(prop));
      },
      has(target, prop) {
        return Reflect.has(target, prop);
      },
      set(target, prop, value) {
        if (!writable) throw new FieldError(`${what} writes ${String(prop)} of ${here}; only an action's effect may change the state`);
        if (typeof prop === 'string' && t.t === 'record' && !(prop in t.fields)) {
          throw new FieldError(`${what} writes field ${JSON.stringify(prop)} of ${here}, which is not declared; its fields: ${fieldsOf(t).join(', ')} (add new ones with \`fields\`)`);
        }
        return Reflect.set(target, prop, value);
      },
      deleteProperty(_target, prop) {
        throw new FieldError(`${what} deletes ${String(prop)} of ${here}; fields of the state are never removed`);
      },
      defineProperty(target, prop, desc) {
        if (!writable) throw new FieldError(`${what} defines ${String(prop)} on ${here}; only an action's effect may change the state`);
        return Reflect.defineProperty(target, prop, desc);
      },
      // A descriptor's value is the field as `get` gives it: behind the view,
      // not the object itself, which loaded code could then change. A
      // non-configurable field (a frozen state's, in tests) must be reported
      // as it is; being frozen, it cannot be changed through it either.
      getOwnPropertyDescriptor(target, prop) {
        const d = Reflect.getOwnPropertyDescriptor(target, prop);
        if (d === undefined || !('value' in d) || !d.configurable || typeof prop !== 'string') return d;
        const ct = child(t, prop);
        return ct === undefined ? d : { ...d, value: wrap(d.value, ct, at(prop)) };
      },
      // Object.freeze and Object.preventExtensions would change the object
      // under the view (they reach the target before any defineProperty),
      // and so would a new prototype: refused, for a draft too, whose copy
      // becomes the next state.
      preventExtensions() {
        throw new FieldError(`${what} freezes or seals ${here}; the engine owns the state's objects`);
      },
      setPrototypeOf() {
        throw new FieldError(`${what} sets the prototype of ${here}; the engine owns the state's objects`);
      },
    });
    cache.set(v, p);
    return p;
  };
  return wrap(root, type, '') as T;
}

/** A deep copy of plain data (states are plain arrays, objects, numbers, booleans and strings). */
export function deepCopy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(deepCopy) as T;
  if (typeof v === 'object' && v !== null) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = deepCopy(x);
    return o as T;
  }
  return v;
}

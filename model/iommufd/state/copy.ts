/**
 * Copy-on-write helpers: a transition copies only the branch it changes, so
 * unchanged objects stay shared between a state and its successors.
 */
import type { ObjectKind } from './state-schema.js';
import type { State } from './types.js';

/** `xs` with element i replaced by `f(xs[i])` (the same array if nothing changed). */
export function update<T>(xs: readonly T[], i: number, f: (x: T) => T): readonly T[] {
  const old = xs[i]!;
  const nu = f(old);
  if (nu === old) return xs;
  const out = xs.slice();
  out[i] = nu;
  return out;
}

/**
 * The fields --load extensions add to the state (key 'state') and to each
 * kind of object, in every model built in this process (registerExtFields).
 * The copies below carry those their source has.
 */
const EXT = new Map<string, string[]>();

/** Registers the fields an extension adds to the state or to a kind of object (each model built with it; a name again is a no-op). */
export function registerExtFields(on: 'state' | ObjectKind, names: readonly string[]): void {
  const list = EXT.get(on) ?? [];
  for (const f of names) if (!list.includes(f)) list.push(f);
  if (list.length > 0) EXT.set(on, list);
}

/** `to`, a new object, with the extension fields of `on` that `from` has. */
export function carryExt<T>(to: T, from: T, on: 'state' | ObjectKind): T {
  const names = EXT.get(on);
  if (names !== undefined) for (const f of names) if (f in (from as object)) (to as Record<string, unknown>)[f] = (from as Record<string, unknown>)[f];
  return to;
}

/**
 * `{ ...s, [k]: v }`, built with the fields written out: a spread's result
 * has a hidden class per call site, so where the states of many steps meet
 * a spread sees dozens of classes and V8 takes its slow path (shape.ts).
 */
export function withField<K extends keyof State>(s: State, k: K, v: State[K]): State {
  return carryExt<State>(
    {
      phase: k === 'phase' ? (v as State['phase']) : s.phase,
      frozen: k === 'frozen' ? (v as number) : s.frozen,
      boot: k === 'boot' ? (v as number) : s.boot,
      probed: k === 'probed' ? (v as number) : s.probed,
      oops: k === 'oops' ? (v as number) : s.oops,
      memfds: k === 'memfds' ? (v as State['memfds']) : s.memfds,
      ioas: k === 'ioas' ? (v as State['ioas']) : s.ioas,
      hwpts: k === 'hwpts' ? (v as State['hwpts']) : s.hwpts,
      devices: k === 'devices' ? (v as State['devices']) : s.devices,
      groups: k === 'groups' ? (v as State['groups']) : s.groups,
      ctx: k === 'ctx' ? (v as State['ctx']) : s.ctx,
      session: k === 'session' ? (v as State['session']) : s.session,
      blob: k === 'blob' ? (v as State['blob']) : s.blob,
      nk: k === 'nk' ? (v as State['nk']) : s.nk,
      threads: k === 'threads' ? (v as State['threads']) : s.threads,
    },
    s,
    'state',
  );
}

/** `xs` with element i replaced by `v`. */
export function setAt<T>(xs: readonly T[], i: number, v: T): readonly T[] {
  return update(xs, i, () => v);
}

/** Indices of the set bits of `mask`, lowest first. */
export function bits(mask: number): number[] {
  const out: number[] = [];
  for (let i = 0; mask >>> i !== 0; i++) if (mask & (1 << i)) out.push(i);
  return out;
}

/** Lowest set bit index of `mask`, or -1. */
export function lowestBit(mask: number): number {
  if (mask === 0) return -1;
  return 31 - Math.clz32(mask & -mask);
}

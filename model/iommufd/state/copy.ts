/**
 * Copy-on-write helpers: a transition copies only the branch it changes, so
 * unchanged objects stay shared between a state and its successors.
 */
import type { ObjectKind } from './state-schema.js';

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

/** Whether some --load extension added fields to `on` (then a literal of the model's fields is not the declared shape). */
export function hasExtFields(on: 'state' | ObjectKind): boolean {
  return EXT.has(on);
}

/** `to`, a new object, with the extension fields of `on` that `from` has. */
export function carryExt<T>(to: T, from: T, on: 'state' | ObjectKind): T {
  const names = EXT.get(on);
  if (names !== undefined) for (const f of names) if (f in (from as object)) (to as Record<string, unknown>)[f] = (from as Record<string, unknown>)[f];
  return to;
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

/**
 * Copy-on-write helpers: a transition copies only the branch it changes, so
 * unchanged objects stay shared between a state and its successors.
 */

/** `xs` with element i replaced by `f(xs[i])` (the same array if nothing changed). */
export function update<T>(xs: readonly T[], i: number, f: (x: T) => T): readonly T[] {
  const old = xs[i]!;
  const nu = f(old);
  if (nu === old) return xs;
  const out = xs.slice();
  out[i] = nu;
  return out;
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

/** Builds invariants and hand-made states for the invariant tests. */
import type { Invariant } from '../../explorer/invariant.js';
import { INVARIANT_FACTORIES } from '../../invariants/index.js';
import type { Action, State } from '../../model/iommufd/state/types.js';
import { decodeVariant } from '../../model/iommufd/scopes/variants.js';
import { FIXED } from '../model/helpers.js';

export { modelFor, walk, find, V2, FIXED } from '../model/helpers.js';

export function inv(id: string, set: Record<string, string> = {}): Invariant<State, Action> {
  const sw = decodeVariant({ ...FIXED, ...set });
  const i = INVARIANT_FACTORIES.map((f) => f(sw)).find((x) => x.id === id);
  if (!i) throw new Error(`no invariant ${id}`);
  return i;
}

export function stateCheck(i: Invariant<State, Action>, s: State): string | null {
  if (i.kind === 'step') throw new Error('step invariant');
  return i.check(s);
}

export function stepCheck(i: Invariant<State, Action>, p: State, a: Action, n: State): string | null {
  if (i.kind !== 'step') throw new Error('not a step invariant');
  return i.check(p, a, n);
}

/** `s` with hwpt `h` changed. */
export function withHwpt(s: State, h: number, f: (x: State['hwpts'][number]) => State['hwpts'][number]): State {
  return { ...s, hwpts: s.hwpts.map((x, i) => (i === h ? f(x) : x)) };
}

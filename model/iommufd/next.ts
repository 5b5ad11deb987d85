/**
 * The effects of Next: each action type's entry point (entry/) owns the
 * kernel function that models it (camelCase of the action type, in the
 * kernel-mirror file named after its source). The lookup is a table built
 * once per model (entry/registry.ts dispatch), so a transition costs one
 * map lookup.
 */
import type { Ctx } from './entry-point.js';
import { dispatch } from './entry/registry.js';
import type { Action, State } from './state/types.js';

export function nextState(ctx: Ctx, s: State, a: Action): State {
  const e = dispatch(ctx).type.get(a.type);
  if (e === undefined) throw new Error(`no entry point has action type ${JSON.stringify(a.type)}`);
  return e.effect(ctx, s, a);
}

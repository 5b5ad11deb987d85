/**
 * For `luocheck explain`: in which named scopes of a model an invariant's
 * witness (its `sometimes` state) is reachable. Each scope is explored
 * exhaustively, in the `fixed` preset when the model has one, with only that
 * invariant, until the witness is reached or a bound on the number of states
 * per scope is met: a state bound, not a clock, so the answer is the same on
 * every machine, however busy.
 */
import { explore } from '../search/bfs.js';
import type { Invariant } from '../invariant.js';
import type { AnyModelSpec } from '../spec.js';

export interface ScopeWitness {
  readonly scope: string;
  /** 'reached', 'unreachable' (the whole scope explored without it) or what stopped the search. */
  readonly outcome: string;
}

/** The preset explain explores: `fixed` when the model has it, else the default. */
export function explainPreset(spec: AnyModelSpec): string {
  return Object.hasOwn(spec.presets, 'fixed') ? 'fixed' : spec.defaultPreset;
}

/** The default state bound per scope of `luocheck explain`. */
export const EXPLAIN_MAX_STATES = 100_000;

export function witnessScopes(spec: AnyModelSpec, id: string, maxStates: number = EXPLAIN_MAX_STATES): ScopeWitness[] | undefined {
  const variant = spec.presets[explainPreset(spec)]!;
  const out: ScopeWitness[] = [];
  for (const name of Object.keys(spec.scopes)) {
    const scope = spec.scopes[name];
    const inv = (spec.invariants(scope, variant) as readonly Invariant<unknown, unknown>[]).find((i) => i.id === id);
    if (inv === undefined || inv.witness === undefined) return undefined;
    let hit = false;
    const seen = inv.witness.reached;
    const probe = { ...inv, witness: { title: inv.witness.title, reached: (p: unknown, a: unknown, n: unknown) => (hit ||= seen(p, a, n)) } } as Invariant<unknown, unknown>;
    const r = explore(spec.build(scope, variant), [probe], {
      maxStates,
      continueAfterViolation: true,
      shouldStop: () => (hit ? 'witness' : undefined),
    });
    const reached = hit || r.witnesses.some((w) => w.reached);
    out.push({ scope: name, outcome: reached ? 'reached' : r.result === 'incomplete' ? `not reached before ${r.stoppedBy ?? 'a bound'} stopped the search` : 'unreachable' });
  }
  return out;
}

/**
 * Invariant bookkeeping shared by every explorer: which invariants are still
 * being checked, the first (shortest) violation of each, and which witnesses
 * have been reached.
 */
import type { Invariant, ProgressInvariant, StateInvariant, StepInvariant } from '../invariant.js';
import { DEADLOCK_ID } from '../invariant.js';
import type { Model } from '../model.js';

export type ViolationKind = 'state' | 'step' | 'progress' | 'deadlock';

export interface WitnessResult {
  readonly invariant: string;
  readonly title: string;
  readonly reached: boolean;
  /** When not reached: the scopes of the model's known-bug cases for this invariant, where it is exercised. */
  readonly exercisedIn?: readonly string[];
}

/** What a check found wrong at one place: the invariant, its kind and the model's sentence. */
export interface Finding {
  readonly invariant: string;
  readonly kind: ViolationKind;
  readonly message: string;
}

const NONE: readonly Finding[] = [];

export class Checker<S, A> {
  readonly stateInvs: StateInvariant<S, A>[] = [];
  readonly stepInvs: StepInvariant<S, A>[] = [];
  readonly progressInvs: ProgressInvariant<S, A>[] = [];
  private readonly witnessInvs: Invariant<S, A>[];
  private readonly reached: boolean[];
  private pendingWitnesses: number;
  /** Ids already violated (when exploring on after a violation, they are not reported twice). */
  readonly violated = new Set<string>();

  constructor(
    private readonly model: Model<S, A>,
    invariants: readonly Invariant<S, A>[],
  ) {
    for (const inv of invariants) {
      if (inv.kind === 'state') this.stateInvs.push(inv);
      else if (inv.kind === 'step') this.stepInvs.push(inv);
      else this.progressInvs.push(inv);
    }
    this.witnessInvs = invariants.filter((i) => i.witness !== undefined);
    this.reached = this.witnessInvs.map(() => false);
    this.pendingWitnesses = this.witnessInvs.length;
  }

  /** State invariants on a newly reached state. */
  checkState(s: S): Finding | undefined {
    const invs = this.stateInvs;
    for (let i = 0; i < invs.length; i++) {
      const inv = invs[i]!;
      if (this.violated.has(inv.id)) continue;
      const msg = inv.check(s);
      if (msg !== null) return { invariant: inv.id, kind: 'state', message: msg };
    }
    return undefined;
  }

  /** Every state invariant that `s` violates, in order (for parallel workers). */
  checkStateAll(s: S): readonly Finding[] {
    let out: Finding[] | undefined;
    const invs = this.stateInvs;
    for (let i = 0; i < invs.length; i++) {
      const inv = invs[i]!;
      if (this.violated.size > 0 && this.violated.has(inv.id)) continue;
      const msg = inv.check(s);
      if (msg !== null) (out ??= []).push({ invariant: inv.id, kind: 'state', message: msg });
    }
    return out ?? NONE;
  }

  /** Every step invariant the transition violates, in order. */
  checkStepAll(prev: S, a: A, next: S): readonly Finding[] {
    let out: Finding[] | undefined;
    const invs = this.stepInvs;
    for (let i = 0; i < invs.length; i++) {
      const inv = invs[i]!;
      if (this.violated.size > 0 && this.violated.has(inv.id)) continue;
      const msg = inv.check(prev, a, next);
      if (msg !== null) (out ??= []).push({ invariant: inv.id, kind: 'step', message: msg });
    }
    return out ?? NONE;
  }

  /** Every end-state finding (deadlock, progress) of `s`, in order. */
  checkEndAll(s: S, enabled: number): readonly Finding[] {
    const f0 = this.checkEnd(s, enabled);
    if (f0 === undefined) return NONE;
    const out: Finding[] = [];
    const saved = [...this.violated];
    for (let f = this.checkEnd(s, enabled); f; f = this.checkEnd(s, enabled)) {
      out.push(f);
      this.violated.add(f.invariant);
    }
    this.violated.clear();
    for (const id of saved) this.violated.add(id);
    return out;
  }

  /**
   * Everything checked on a state when the search takes it from the frontier:
   * its state invariants, then deadlock and progress. Each reachable state is
   * taken exactly once, so state invariants run once per distinct state, in
   * breadth-first order, whatever the number of workers.
   */
  visit(s: S, enabled: number): readonly Finding[] {
    const a = this.checkStateAll(s);
    const b = this.checkEndAll(s, enabled);
    return b.length === 0 ? a : a.length === 0 ? b : [...a, ...b];
  }

  /** Marks witness i reached (results merged from a worker). */
  markReached(i: number): void {
    if (!this.reached[i]) {
      this.reached[i] = true;
      this.pendingWitnesses--;
    }
  }

  /** Step invariants on one transition (every edge, duplicates included). */
  checkStep(prev: S, a: A, next: S): Finding | undefined {
    const invs = this.stepInvs;
    for (let i = 0; i < invs.length; i++) {
      const inv = invs[i]!;
      if (this.violated.has(inv.id)) continue;
      const msg = inv.check(prev, a, next);
      if (msg !== null) return { invariant: inv.id, kind: 'step', message: msg };
    }
    return undefined;
  }

  /** Progress invariants and deadlock on a state with `enabled` actions. */
  checkEnd(s: S, enabled: number): Finding | undefined {
    const terminal = enabled === 0;
    if (terminal && this.model.isValidEnd && !this.violated.has(DEADLOCK_ID) && !this.model.isValidEnd(s)) {
      return { invariant: DEADLOCK_ID, kind: 'deadlock', message: 'no process can move in a state the model does not accept as an end state' };
    }
    if (this.progressInvs.length === 0) return undefined;
    if (!terminal && !(this.model.isQuiescent?.(s) ?? false)) return undefined;
    for (const inv of this.progressInvs) {
      if (this.violated.has(inv.id)) continue;
      const msg = inv.check(s);
      if (msg !== null) return { invariant: inv.id, kind: 'progress', message: msg };
    }
    return undefined;
  }

  /**
   * Records reached witnesses for a transition (prev/action undefined for an
   * initial state); returns the indices newly reached, if any.
   */
  observe(prev: S | undefined, a: A | undefined, next: S): number[] | undefined {
    if (this.pendingWitnesses === 0) return undefined;
    let hits: number[] | undefined;
    for (let i = 0; i < this.witnessInvs.length; i++) {
      if (this.reached[i]) continue;
      if (this.witnessInvs[i]!.witness!.reached(prev, a, next)) {
        this.reached[i] = true;
        this.pendingWitnesses--;
        (hits ??= []).push(i);
      }
    }
    return hits;
  }

  witnesses(): WitnessResult[] {
    return this.witnessInvs.map((inv, i) => ({ invariant: inv.id, title: inv.witness!.title, reached: this.reached[i]! }));
  }
}

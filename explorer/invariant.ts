/**
 * The invariant contract (docs/writing-an-invariant.md): id, title, source, kind and a check that
 * returns `null` when the property holds, or one sentence saying what is broken.
 * Invariants read model state; they never change it.
 */

/** Where an invariant comes from: a Message-ID, a lore link, a seed file or a kernel path. */
export type Source = string;

interface InvariantBase {
  /** kebab-case, stable; the file name under invariants/. */
  readonly id: string;
  readonly title: string;
  readonly source: Source;
  /** The statement in a few sentences, for `luocheck explain`. */
  readonly statement?: string;
}

/**
 * A `sometimes` property paired with an invariant: a state (or step) that must be
 * reachable, so that a pass does not only mean the interesting states were never reached.
 */
export interface Witness<S, A> {
  readonly title: string;
  readonly reached: (prev: S | undefined, action: A | undefined, next: S) => boolean;
}

export interface StateInvariant<S, A> extends InvariantBase {
  readonly kind: 'state';
  readonly check: (s: S) => string | null;
  readonly witness?: Witness<S, A>;
}

export interface StepInvariant<S, A> extends InvariantBase {
  readonly kind: 'step';
  readonly check: (prev: S, action: A, next: S) => string | null;
  readonly witness?: Witness<S, A>;
}

/** Bounded liveness, checked on terminal or quiescent states. */
export interface ProgressInvariant<S, A> extends InvariantBase {
  readonly kind: 'progress';
  readonly check: (s: S) => string | null;
  readonly witness?: Witness<S, A>;
}

export type Invariant<S, A> = StateInvariant<S, A> | StepInvariant<S, A> | ProgressInvariant<S, A>;
export type InvariantKind = Invariant<unknown, unknown>['kind'];

/** The id the engine uses for a reachable state without enabled actions that the model forbids. */
export const DEADLOCK_ID = 'deadlock';

/**
 * The engine contract (DESIGN.md, "The engine contract").
 *
 * A model is a pure transition system. The explorer depends on nothing but
 * this interface: it never looks inside a state except through `encode`
 * (fingerprints) and `toJson` (traces), and never inside an action except
 * through `process` and `label`.
 *
 * Determinism is part of the contract: `actions(s)` must list the enabled
 * actions of `s` in the same order every time, because counterexamples are
 * stored as action indices and rebuilt by replay (as in Stateright).
 */
import type { Encoder } from './fingerprint.js';

export interface Model<S, A> {
  /** The initial states, in a fixed order. */
  initStates(): readonly S[];
  /** The enabled actions of `s` (each one atomic step of one process), in a fixed order. */
  actions(s: S): readonly A[];
  /** The successor of `s` under the enabled action `a`. Pure: `s` is never mutated. */
  nextState(s: S, a: A): S;
  /**
   * Writes the canonical encoding of `s` (after symmetry reduction, if the model
   * has one). Equal states must write equal words; distinct states distinct words.
   */
  encode(s: S, out: Encoder): void;
  /**
   * Optional: rebuilds a state from the words `encode` wrote. When given, the
   * explorer keeps its frontier as packed words instead of objects. With
   * symmetry reduction the result may be any member of the state's class.
   */
  decode?(words: Int32Array): S;
  /** The process that takes `a` ("T1", "boot", ...). */
  process(a: A): string;
  /** One-line label of `a`, unique among the actions enabled in any one state. */
  label(a: A): string;
  /** A JSON view of `s` for traces and diffs. */
  toJson(s: S): unknown;
  /**
   * Deadlock detection: when given, a state without enabled actions for which
   * this returns false is reported as a deadlock.
   */
  isValidEnd?(s: S): boolean;
  /**
   * Progress invariants are checked on terminal states, and on the states for
   * which this returns true (e.g. every VMM thread idle).
   */
  isQuiescent?(s: S): boolean;
  /** A coarse kind for each action (e.g. its kernel entry point), used by swarm testing. */
  actionKind?(a: A): string;
}

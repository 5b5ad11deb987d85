/**
 * The engine contract: what a model gives the search.
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
import type { Encoder } from './search/fingerprint.js';

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
   * `words` is a view of a scratch array the next call overwrites: copy
   * what the state keeps.
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
  /**
   * Partial-order reduction (opt-in, --por): true for an action that commutes
   * with every other action, is never disabled by another, and changes nothing
   * any invariant or witness reads (e.g. a process-local step). The explorer
   * then expands such an action alone where that is sound.
   */
  independent?(a: A): boolean;
  /**
   * Optional: the fields of `toJson`'s view that are internal to the model
   * (program counters, bookkeeping), as dotted paths where "*" is any one
   * key or index ("threads.*.pc", "pc"). `--format email` leaves them out
   * of its step lines; json, itf and replay keep every field.
   */
  internalFields?(): readonly string[];
  /** A coarse kind for each action (e.g. its kernel entry point), used by swarm testing. */
  actionKind?(a: A): string;
  /**
   * Optional, for --coverage: the program counter of a step of a multi-step
   * action (the lock point it starts from, e.g. "M2"); undefined for an
   * action that is one step.
   */
  actionStep?(a: A): string | undefined;
  /**
   * Optional, for --coverage: every action kind this model (with its scope)
   * can issue, with the steps of a multi-step one, so that the kinds and
   * steps that never fire are reported.
   */
  actionMenu?(): readonly { readonly kind: string; readonly steps?: readonly string[] }[];
  /**
   * Optional, for `--format kselftest`: how userspace performs `a` from the
   * state `s` before it, as C for a kselftest_harness TEST_F body using
   * `self->fd` (an open /dev/iommu). `code` runs the step (e.g. an ioctl and
   * its ASSERT_EQ); `decls` are declarations hoisted to the top of the test
   * (deduplicated); `includes` are extra headers (e.g. "<sys/mman.h>");
   * `comment` says what the step does in kernel terms; `needs` names what
   * straight-line code cannot do ("a kexec", "the device to issue DMA"),
   * which turns the step into a marked comment. A step without `code` (an
   * internal step of an ioctl in flight) is a comment. `globals` is
   * file-scope C (deduplicated; e.g. an unmerged uapi block, the handles a
   * second thread and both halves of a kexec test share). `arm` is C that
   * makes a step inside a call issued earlier happen (e.g. a fault injection
   * armed for that call), run just before the call. `kernel` places the step
   * in a two-stage test: 'kexec' for a step of the reboot or the boot (its
   * `decls` start the test that runs before the kexec, its `code` is what
   * holds the preserved state until the kexec, run at the end of that test;
   * the kexec is left to the reader), 'new' for a step of the new kernel's
   * userspace (in a second TEST_F run after the kexec, whose setup is its `decls`).
   */
  kselftest?(a: A, s: S): {
    code?: readonly string[];
    decls?: readonly string[];
    includes?: readonly string[];
    comment?: string;
    needs?: string;
    globals?: readonly string[];
    arm?: readonly string[];
    kernel?: 'kexec' | 'new';
  };
}

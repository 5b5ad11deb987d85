/**
 * What a shipped model gives the command line: its scopes, its variant
 * switches and presets, its invariants, and its known-bug cases. The engine
 * itself only needs the `Model` that `build` returns.
 */
import type { Invariant } from './invariant.js';
import type { Model } from './model.js';

/** A variant: one value for every switch of the model. */
export type Variant = Readonly<Record<string, string>>;

/** How to build a model beyond its scope and variant. */
export interface BuildOptions {
  /**
   * Symmetry reduction: the model's `encode` maps interchangeable identities
   * (threads doing the same job, singleton-group devices, free pages) to one
   * canonical order. Off by default; verdicts must not change with it.
   */
  readonly symmetry?: boolean;
}

export interface SwitchSpec {
  readonly name: string;
  readonly values: readonly string[];
  /** One line: what the switch chooses, and which value is "as posted". */
  readonly doc: string;
}

/**
 * A known-bug case: a scope, the switches that differ from the
 * fixed preset, and the invariant that must be violated there; with every
 * switch fixed, the same scope must pass.
 */
export type CaseFound = 'race' | 'fault' | 'design check';
export const CASE_FOUND: readonly CaseFound[] = ['race', 'fault', 'design check'];

export interface KnownCase {
  readonly id: string;
  readonly title: string;
  /** Where the scenario comes from: author, date, subject and Message-ID of the mail, or a kernel path. */
  readonly source?: string;
  readonly scope: string;
  /** Switch overrides on top of the `fixed` preset ({} when no switch is buggy). */
  readonly set: Variant;
  /** The invariant the case violates; undefined when the model shows it harmless. */
  readonly invariant?: string;
  readonly expect: 'violation' | 'ok';
  /**
   * How the search meets the scenario, said plainly so that a design check
   * is not presented as a found race: 'race' (its shortest trace interleaves
   * two processes inside one op and the order of two steps decides it),
   * 'fault' (it takes an injected failure), 'design check' (the switch states
   * a behaviour and the invariant checks its consequence; no interleaving or
   * failure is needed).
   */
  readonly found: CaseFound;
  /**
   * An open case: the scope violates `invariant` even with every switch as
   * the reviewers asked (`set` is {}); `closedBy` names the switch values,
   * not proposed on the list, under which it passes, and `why` says so.
   */
  readonly open?: { readonly closedBy: Variant; readonly why: string };
}

export interface ModelSpec<Scope, S, A> {
  readonly name: string;
  readonly description: string;
  readonly scopes: Readonly<Record<string, Scope>>;
  /** One line per named scope, for `luocheck list`. */
  readonly scopeDocs?: Readonly<Record<string, string>>;
  readonly defaultScope: string;
  /** Validates a scope file's JSON; throws UsageError naming the bad field. */
  parseScope(json: unknown): Scope;
  readonly switches: readonly SwitchSpec[];
  readonly presets: Readonly<Record<string, Variant>>;
  readonly defaultPreset: string;
  invariants(scope: Scope, variant: Variant): readonly Invariant<S, A>[];
  build(scope: Scope, variant: Variant, options?: BuildOptions): Model<S, A>;
  readonly cases?: readonly KnownCase[];
  /**
   * Optional: a model open to --load extensions (fields, actions, switches,
   * scopes). Returns the spec with module `mod` (loaded from `file`, as the
   * user named it; `abs` its resolved path) added, or undefined when the
   * module adds none of these (only invariants). Throws UsageError naming
   * the file and the bad value.
   */
  extend?(file: string, abs: string, mod: Record<string, unknown>): ModelSpec<Scope, S, A> | undefined;
  /**
   * Optional: the view of a state that loaded code (a --load invariant) gets:
   * the same data, but reading a field the model does not declare throws,
   * naming it. `what` says who reads, for the message.
   */
  loadedView?(what: string): (s: S) => S;
  /**
   * Optional: the scope JSON of a point file (explorer/cli/point.ts): its setup
   * (the objects), the menus of its actors, and the new kernel's menus.
   */
  pointScope?(setup: Readonly<Record<string, unknown>>, actors: readonly unknown[], after: readonly unknown[] | undefined): unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModelSpec = ModelSpec<any, any, any>;

/**
 * luocheck's API for loaded code: the types a --load module or a point file
 * is written against, and the model's constants. `import('luocheck')` in a
 * JSDoc type (with `// @ts-check`) or an import from 'luocheck' reaches this
 * file and nothing else: the package's `exports` map keeps the internals
 * out of reach, so what is here is what is stable.
 *
 * Versioned by API_VERSION: a change that breaks a module written against
 * it bumps the number (CHANGELOG in docs/adding-an-action.md).
 *
 * The state a loaded invariant or action reads is the model's own state
 * (docs/state.md lists every field, its bounds and what it mirrors), plus
 * the fields extensions declare; reading a field that does not exist is an
 * error naming the file, the line and the field.
 */
import type { Device, HwptPaging, IommuGroup, Ioas, Memfd, State, VmmThread } from '../model/iommufd/state/types.js';

export const API_VERSION = 1;

export type {
  State, Memfd, IoptArea, Ioas, Domain, HwptPaging, Device, IommuGroup, LuoFile, Session, BlobSlot, IommufdSer, VmmThread, Incoming, Pc,
} from '../model/iommufd/state/types.js';
export {
  PHASE_OLD, PHASE_FROZEN, PHASE_NEW, F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_GROW, F_SEAL_WRITE, REQUIRED_SEALS,
  EPERM, ENOENT, ENOMEM, EBUSY, EEXIST, EINVAL, DEFAULT_DOMAIN, BLOCKING_DOMAIN, NO_DOMAIN, TABLE_SPAN, FILE_IOMMUFD, FILE_CDEV,
  CTX_NONE, CTX_DEFAULT, RS_NONE, RS_LIVE, RS_FREED,
} from '../model/iommufd/state/types.js';

/** The objects a field can be added to, and their records. */
export interface Kinds {
  memfds: Memfd;
  ioas: Ioas;
  hwpts: HwptPaging;
  devices: Device;
  groups: IommuGroup;
  threads: VmmThread;
}
export type ObjectKind = keyof Kinds;

/** The extra fields a module declares, by where they live: `{ hwpts: { dirtyTracking: boolean } }`. */
export type Fields = { readonly [K in ObjectKind | 'state']?: object };

type Extra<X extends Fields, K extends ObjectKind | 'state'> = K extends keyof X ? (X[K] extends object ? X[K] : unknown) : unknown;

/** The model's state with the fields of `X` added where they live. */
export type StateWith<X extends Fields> = Omit<State, ObjectKind> &
  Extra<X, 'state'> & { readonly [K in ObjectKind]: readonly (Kinds[K] & Extra<X, K>)[] };

/** A copy of the state an effect may change. */
export type Draft<T> = T extends readonly (infer E)[] ? Draft<E>[] : T extends object ? { -readonly [K in keyof T]: Draft<T[K]> } : T;

/** A state field a module adds (`fields` export). */
export type FieldDef =
  | { on: ObjectKind | 'state'; name: string; type: 'bool'; init: boolean; doc?: string }
  | { on: ObjectKind | 'state'; name: string; type: 'int'; min: number; max: number; init: number; doc?: string };

/** A switch a module adds (`switches` export): its values and each preset's position (a preset not named takes the first value). */
export interface SwitchDef {
  name: string;
  values: readonly string[];
  doc: string;
  presets?: Readonly<Record<string, string>>;
}

/** How a scope file spells an op field: an object of the scope (bounded by it), or a bounded int or a bool. */
export type OpFieldDef =
  | 'ioas' | 'memfd' | 'hwpt' | 'slot' | 'dev' | 'iova' | 'page' | 'token' | 'bool'
  | { kind: 'int'; min: number; max: number }
  | { kind: 'token'; min?: number; max?: number }
  | { kind: 'bool'; optional?: boolean };

/** A menu op as a step sees it: its name and its fields' values. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MenuOp = { readonly op: string; readonly [field: string]: any };

/** What a step is told besides the state and its op. */
export interface StepContext {
  /** The thread (0-based: T1 is 0). */
  readonly pid: number;
  /** Every switch's value, the model's and the extensions'. */
  readonly sw: Readonly<Record<string, string>>;
  /** The step's fallible call fails (only when its `fails` allowed it). */
  readonly failed: boolean;
  /** A lock ("lu_mutex", "session", or an extension's) is held by another thread. */
  readonly held: (lock: string) => boolean;
}

/** One step of an action: a critical section of the kernel function, from a program counter to the next. */
export interface StepDefWith<X extends Fields> {
  /** The program counter the thread waits at before this step (every step but the first). */
  pc?: string;
  /** Locks held while the thread waits at `pc` (taken by the step before). */
  holds?: readonly string[];
  /** Locks no other thread may hold for this step to run. */
  needs?: readonly string[];
  /** Whether the step can run now (default: always). */
  guard?: (s: StateWith<X>, op: MenuOp, c: StepContext) => boolean;
  /** Its effect on a copy of the state; return "return" to end the op here (an error path). */
  effect?: (s: Draft<StateWith<X>>, op: MenuOp, c: StepContext) => void | 'return';
  /** Whether the step's fallible call may fail here (then both outcomes are explored). */
  fails?: (s: StateWith<X>, op: MenuOp, c: StepContext) => boolean;
}

/** A kernel entry point a module adds (`actions` export). */
export interface ActionDefWith<X extends Fields> {
  /** How scope files and point files name the op. */
  op: string;
  /** The kernel function the steps model. */
  type: string;
  /** The kernel source it mirrors: "file: function". */
  source: string;
  fields?: Readonly<Record<string, OpFieldDef>>;
  /** The menus it may appear in (default: the old kernel's). */
  kernels?: readonly ('old' | 'new')[];
  steps: readonly StepDefWith<X>[];
  label?: (op: MenuOp, step: string, failed: boolean) => string;
  /** C for a kselftest (or nothing: the step is marked LUOCHECK-MANUAL). */
  kselftest?: (op: MenuOp, step: string) => { code?: readonly string[]; comment?: string } | void;
  doc?: string;
}

interface InvariantBase {
  id: string;
  title: string;
  /** Where the property comes from: author, date, subject and Message-ID or lore link. */
  source: string;
  statement?: string;
}

/** An action as an invariant sees it. */
export interface ActionView {
  readonly type: string;
  readonly pid: number;
  readonly op: MenuOp;
  readonly step?: string;
}

/** An invariant a module adds (its default export, or an array of them). */
export type InvariantDefWith<X extends Fields> =
  | (InvariantBase & { kind: 'state' | 'progress'; check: (s: StateWith<X>) => string | null })
  | (InvariantBase & { kind: 'step'; check: (prev: StateWith<X>, action: ActionView, next: StateWith<X>) => string | null });

export type Outcome = 'never' | 'sometimes';

/** A point file's `point` export (docs/adding-an-action.md, "Point files"). */
export interface PointWith<X extends Fields> {
  model?: 'iommufd';
  title: string;
  source: string;
  variant?: string | { preset?: string; set?: Readonly<Record<string, string>> };
  /** The scope's objects (docs/scopes: iovas, memfds, ioas, hwpts, devices, session, failures, restoreSlots, phases). */
  setup: Readonly<Record<string, unknown>>;
  actors: Readonly<Record<string, readonly MenuOp[]>> | readonly (readonly MenuOp[])[];
  after?: Readonly<Record<string, readonly MenuOp[]>> | readonly (readonly MenuOp[])[];
  /** The property: a state property (`check(s)`, the default), or with kind "step" `check(prev, action, next)`. */
  property: { id?: string; title?: string; kind?: 'state' | 'progress' | 'step'; check: (s: StateWith<X>, action?: ActionView, next?: StateWith<X>) => string | null };
  expect: Outcome | Readonly<Record<string, Outcome>>;
}

/*
 * The same without extension fields. JSDoc fills a generic's missing type
 * arguments with `any`, which would turn the checks off: a // @ts-check
 * file names these, or the ...With<{ hwpts: { dirtyTracking: boolean } }>
 * forms when it declares fields.
 */
export type StepDef = StepDefWith<{}>;
export type ActionDef = ActionDefWith<{}>;
export type InvariantDef = InvariantDefWith<{}>;
export type Point = PointWith<{}>;

/**
 * Kernel entry points as definitions: each ioctl, LUO callback or
 * environment event the model knows (or a --load extension adds) is one
 * EntryPoint, in one file, with every facet the model needs of it: the
 * menu ops it serves (how a scope file spells them, with their bounds), its
 * steps split at the kernel's lock boundaries (the program counters a
 * thread waits at between them, with the locks held there), its effect, its
 * label and its kselftest mapping. A Registry drives action enumeration,
 * dispatch, labels, scope parsing and the kselftest renderer as generic
 * loops, and refuses at build time an entry point that lacks a facet or
 * collides with another.
 */
import { UsageError } from '../../explorer/errors.js';
import type { Variant } from '../../explorer/spec.js';
import type { Switches } from './scopes/variants.js';
import type { FieldType, ObjectKind } from './state/state-schema.js';
import type { Action, FileRef, Op, State, VmmThread } from './state/types.js';
import type { Model } from '../../explorer/model.js';
import type { IommufdScope } from './scopes/scopes.js';
import type { Call, KselftestCalls } from './render/kselftest-kit.js';

/** Which kernel's VMM issues a menu op: the old kernel's menus (`threads`) or the new kernel's (`restore`). */
export type Kernel = 'old' | 'new';

/**
 * A field of a menu op and its bounds. Object kinds take their bound from
 * the scope (0 .. count-1); `slot` is a HWPT slot of the new kernel's
 * objects; `int` takes min..max; `file` is a LUO file ({ kind: "memfd",
 * memfd } | { kind: "iommufd" } | { kind: "cdev", dev }).
 */
export type OpFieldKind = 'ioas' | 'memfd' | 'hwpt' | 'slot' | 'dev' | 'iova' | 'page' | 'token' | 'bool' | 'int' | 'file';
export interface OpField {
  readonly kind: OpFieldKind;
  /** For `int` (required) and `token`: the accepted range. */
  readonly min?: number;
  readonly max?: number;
  /** A bool may be left out of a scope file (false). */
  readonly optional?: boolean;
}

/** A menu op: what a VMM thread may issue once, in a scope file's spelling. */
export interface MenuOpSpec {
  /** The op's name in scope files ("unmap"). */
  readonly name: string;
  /** One line for docs and errors. */
  readonly doc: string;
  readonly fields: Readonly<Record<string, OpField>>;
  /** The menus it may appear in. */
  readonly kernels: readonly Kernel[];
}

/** A menu op as a scope holds it: its name and its fields' values. */
export interface GenericOp {
  readonly op: string;
  readonly [field: string]: unknown;
}

/** A step as the registry sees it: the thread (pid, -1 for reboot and boot), its menu index, and the kernel function. */
export interface GenericAction {
  readonly pid: number;
  readonly idx: number;
  readonly type: string;
  readonly op: GenericOp;
  readonly step?: string;
  readonly fail?: boolean;
}

export type KselftestStep = ReturnType<NonNullable<Model<State, GenericAction>['kselftest']>>;

/** The variant of the model's Action whose type is `T`. */
export type ActionOf<T extends Action['type']> = Extract<Action, { type: T }>;

/** A step of a process other than the VMM threads (pid -1): reboot(KEXEC) or the new kernel's boot. */
export interface SystemStep {
  readonly process: 'reboot' | 'boot';
  /** --coverage: whether a lifecycle scope's menu lists this step. */
  inMenu(scope: IommufdScope): boolean;
}

/**
 * One kernel entry point. `A` is the action type its steps carry (the
 * model's own entry points use the variants of types.ts' Action; an
 * extension's carry GenericAction).
 */
export interface EntryPoint<A extends GenericAction = GenericAction> {
  /** The kernel function the steps model (the action type, e.g. "iommufd_ioas_unmap"). */
  readonly type: string;
  /** The kernel source it mirrors ("drivers/iommu/iommufd/ioas.c: iommufd_ioas_unmap"), for reviewers. */
  readonly source: string;
  /** The menu ops this entry point defines (fields, bounds, kernels); another entry point may serve them too. */
  readonly defines?: readonly MenuOpSpec[];
  /** The menu ops whose first step this entry point may take, per kernel. */
  readonly serves: readonly { readonly op: string; readonly kernel: Kernel }[];
  /** Of the menu ops it serves, those it takes (PRESERVE_FD goes to the handler of the file's kind); all when absent. */
  accepts?(op: A['op']): boolean;
  /** --coverage: the entry points a thread may go on into from this one's op (the unwind of a preserve). */
  readonly then?: readonly string[];
  /** A step of the reboot or boot process (pid -1, never in a menu): its first() is asked once per state. */
  readonly system?: SystemStep;
  /** The program counters a thread in this entry point waits at between steps, each with the kernel locks held there. */
  readonly pcs: Readonly<Record<string, readonly string[]>>;
  /** --coverage: the steps of a multi-step entry point, in order. */
  readonly steps?: readonly string[];
  /** The first step(s) of menu op `op` (index `idx`) of idle thread `pid`, if enabled in `s`. */
  first(ctx: Ctx, s: State, pid: number, idx: number, op: A['op']): readonly A[];
  /** The next step(s) of the op in progress (the thread stands at one of `pcs`). */
  resume?(ctx: Ctx, s: State, pid: number, t: VmmThread, op: A['op']): readonly A[];
  /** The step's effect: a new state; `s` is never mutated. */
  effect(ctx: Ctx, s: State, a: A): State;
  /** One line in kernel terms, unique among the actions enabled in a state. */
  label(a: A): string;
  /** How userspace performs the step, as C for a kselftest (or what it needs that straight-line code cannot do). */
  kselftest(ctx: Ctx, a: A, s: State, kit: KselftestKit): KselftestStep;
}

/**
 * An entry point of the tree (entry/): every facet spelled out, so that one
 * left out is a compile error (`satisfies Defined<...>`); `undefined` says
 * the entry point has none.
 */
export type Defined<A extends GenericAction> = EntryPoint<A> & {
  readonly defines: readonly MenuOpSpec[];
  readonly accepts: ((op: A['op']) => boolean) | undefined;
  readonly then: readonly string[] | undefined;
  readonly system: SystemStep | undefined;
  readonly steps: readonly string[] | undefined;
  readonly resume: ((ctx: Ctx, s: State, pid: number, t: VmmThread, op: A['op']) => readonly A[]) | undefined;
};

export type AnyEntryPoint = EntryPoint<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The entry points and menu ops of one model (the shipped ones, then those of --load extensions, in order). */
export class Registry {
  private readonly byType = new Map<string, AnyEntryPoint>();
  private readonly byOp = new Map<string, AnyEntryPoint[]>();
  private readonly byPc = new Map<string, AnyEntryPoint>();
  private readonly opSpecs = new Map<string, MenuOpSpec>();
  private readonly menuOps = { old: [] as string[], new: [] as string[] };

  constructor(readonly entries: readonly AnyEntryPoint[], readonly ops: readonly MenuOpSpec[], where = 'the model') {
    for (const o of ops) {
      if (this.opSpecs.has(o.name)) throw new UsageError(`${where}: menu op ${JSON.stringify(o.name)} is defined twice`);
      this.opSpecs.set(o.name, o);
    }
    for (const e of entries) {
      if (this.byType.has(e.type)) throw new UsageError(`${where}: entry point ${JSON.stringify(e.type)} is defined twice`);
      for (const f of ['first', 'effect', 'label', 'kselftest'] as const) {
        if (typeof e[f] !== 'function') throw new UsageError(`${where}: entry point ${e.type} has no ${f}`);
      }
      if (Object.keys(e.pcs).length > 0 && typeof e.resume !== 'function') throw new UsageError(`${where}: entry point ${e.type} has program counters but no resume`);
      this.byType.set(e.type, e);
      for (const { op, kernel } of e.serves) {
        const spec = this.opSpecs.get(op);
        if (!spec) throw new UsageError(`${where}: entry point ${e.type} serves menu op ${JSON.stringify(op)}, which no definition declares`);
        if (!spec.kernels.includes(kernel)) throw new UsageError(`${where}: entry point ${e.type} serves ${op} in the ${kernel} kernel, where the op is not accepted`);
        const k = `${kernel}:${op}`;
        if (!this.byOp.has(k)) this.menuOps[kernel].push(op);
        this.byOp.set(k, [...(this.byOp.get(k) ?? []), e]);
      }
      for (const pc of Object.keys(e.pcs)) {
        const other = this.byPc.get(pc);
        if (other) throw new UsageError(`${where}: program counter ${JSON.stringify(pc)} of ${e.type} is already ${other.type}'s`);
        this.byPc.set(pc, e);
      }
    }
    for (const e of entries) {
      for (const t of e.then ?? []) if (!this.byType.has(t)) throw new UsageError(`${where}: entry point ${e.type} goes on into ${JSON.stringify(t)}, which is no entry point`);
    }
  }

  /** The entry point of action type `type`. */
  entry(type: string): AnyEntryPoint | undefined {
    return this.byType.get(type);
  }

  /** The entry points that may take the first step of menu op `op` in `kernel`. */
  firstOf(op: string, kernel: Kernel): readonly AnyEntryPoint[] | undefined {
    return this.byOp.get(`${kernel}:${op}`);
  }

  /** The entry point whose program counter `pc` is. */
  pcOwner(pc: string): AnyEntryPoint | undefined {
    return this.byPc.get(pc);
  }

  /** The menu op named `name`. */
  op(name: string): MenuOpSpec | undefined {
    return this.opSpecs.get(name);
  }

  /** Every program counter, in registration order. */
  pcs(): string[] {
    return [...this.byPc.keys()];
  }

  /** The menu ops a scope may name in `kernel`'s menus, in the order the entry points serving them were registered. */
  opsIn(kernel: Kernel): readonly string[] {
    return this.menuOps[kernel];
  }

  /** The steps of the reboot and boot processes, in registration order. */
  systemSteps(): readonly AnyEntryPoint[] {
    return this.entries.filter((e) => e.system !== undefined);
  }
}

/**
 * The context (Ctx).
 * What every transition reads besides the state: the decoded variant and the
 * scope (menus of the VMM threads, injected failures), and what --load
 * extensions added (their entry points and fields).
 */
export interface Ctx {
  readonly sw: Switches;
  readonly scope: IommufdScope;
  /** The extensions the model was built with (undefined: none). */
  readonly ext?: Ext;
  /** Every switch's value as given, the extensions' included. */
  readonly variant?: Variant;
}

/** A field a module adds: on every object of a kind, or on the state itself. */
export interface ExtField {
  readonly on: ObjectKind | 'state';
  readonly name: string;
  readonly type: FieldType;
  readonly init: boolean | number;
  readonly doc: string;
}

/** The extensions a model was built with, compiled. */
export interface Ext {
  readonly reg: Registry;
  readonly fields: readonly ExtField[];
  /** The declared state with every extension's fields. */
  readonly schema: FieldType;
  /** Per object kind, the fields extensions added to it (filled in when the model builds a fresh object). */
  readonly perKind: ReadonlyMap<ObjectKind, readonly ExtField[]>;
  readonly top: readonly ExtField[];
}

/**
 * What an entry point's kselftest mapping is handed: the C of each call
 * (render/kselftest-kit.ts) and `issue`, which asserts the result the model
 * gives for the call run alone (render/kselftest.ts runs the model for it).
 * Passed in, so the definitions import no part of the renderer.
 */
export interface KselftestKit {
  /** The call of a step that starts op `o`, asserting the model's result when it runs alone. */
  issue(ctx: Ctx, s: State, a: Action & { pid: number }, o: Op, c: Call, what: string): KselftestStep;
  /** A later step of a call issued earlier: a comment. */
  inside(what: string): KselftestStep;
  readonly call: KselftestCalls;
  /** The token file `f` was preserved with. */
  tokenOf(s: State, f: FileRef): number | undefined;
  /** The C expression of the fd of file `f`. */
  fileC(f: FileRef): string;
  /** A step of reboot(KEXEC) or of the new kernel's boot. */
  kexecStep(a: Action): KselftestStep;
  /** The LUO session name of the test. */
  readonly session: string;
  /** The fault-injection helper's C (fail_page_alloc). */
  readonly failPageAlloc: string;
}

/**
 * The iommufd live-update model (old kernel, reboot(KEXEC), the new
 * kernel's boot, the VMM's rebuild and FINISH), assembled for the engine:
 * Model<State, Action> and the ModelSpec the command line uses.
 *
 * Tracks the "iommu: live update" v2 series (cover
 * <20260427175633.1978233-1-skhawaja@google.com>, 27 Apr 2026) as far as its
 * review threads show it (the sources in invariants/types.ts); each kernel
 * area is in its own file named after the kernel source it mirrors.
 */
import { Encoder } from '../../explorer/search/fingerprint.js';
import type { Model } from '../../explorer/model.js';
import type { BuildOptions, ModelSpec, Variant } from '../../explorer/spec.js';
import { iommufdInvariants } from '../../invariants/index.js';
import { enabledActions } from './actions.js';
import { IOMMUFD_CASES } from './scopes/cases.js';
import type { Ctx } from './entry-point.js';
import { StateCodec } from './state/encode.js';
import { makeSettle } from './state/shape.js';
import { encodeCanonical, findSwap, type DeviceSwap } from './state/symmetry.js';
import { isQuiescent } from './kernel/boot.js';
import { initialState } from './state/init.js';
import { nextState } from './next.js';
import { parseIommufdScope } from './scopes/scope-parse.js';
import { DEFAULT_SCOPE, SCOPE_DOCS, SCOPES, type IommufdScope } from './scopes/scopes.js';
import type { Action, State } from './state/types.js';
import { decodeVariant, PRESETS, SWITCHES } from './scopes/variants.js';
import { processName, stateJson } from './render/view.js';
import { kselftestStep } from './render/kselftest.js';
import { UsageError } from '../../explorer/errors.js';
import { compileExtensions, decodeExtFields, encodeExtFields, extJson, extWordCount, fillExtFields, parseExtension, switchesWith, type Extension } from './extension.js';
import type { Ext } from './entry-point.js';
import { CORE, entryOf, servers } from './entry/registry.js';
import type { AnyEntryPoint } from './entry-point.js';
import { STATE_SCHEMA } from './state/state-schema.js';
import { strictView } from './state/strict.js';
import { TREE_EXTENSIONS } from './extensions/index.js';
import type { Invariant } from '../../explorer/invariant.js';
import { menus } from './state/process.js';
import type { Op } from './state/types.js';

type MenuKind = { readonly kind: string; readonly steps?: readonly string[] };

const kindOf = (e: AnyEntryPoint): MenuKind => ({ kind: e.type, ...(e.steps ? { steps: e.steps } : {}) });

/** The action kinds a menu op can issue (`nk`: a new-kernel op), multi-step ones with their steps (--coverage): its serving entry points', and those it goes on into. */
function opKinds(ctx: Ctx, o: Op, nk: boolean): MenuKind[] {
  return servers(ctx, o, nk ? 'new' : 'old').flatMap((e) => [kindOf(e), ...(e.then ?? []).map((t) => kindOf(entryOf(ctx, t)!))]);
}

export class IommufdModel implements Model<State, Action> {
  readonly ctx: Ctx;

  /** --format kselftest: how userspace performs `a` from `s`, as C (kselftest.ts). */
  readonly kselftest = (a: Action, s: State) => kselftestStep(this.ctx, a, s);

  /** The device swap symmetry reduction uses (BuildOptions.symmetry), if the scope has one. */
  private readonly swap: DeviceSwap | undefined;
  private readonly scratch = [new Encoder(), new Encoder()] as const;
  /** Encodes and decodes states, reusing the words and objects of what a state shares with the one expanded (state/encode.ts). */
  private readonly codec: StateCodec;

  /** Words the extensions' fields take at the end of every encoding. */
  private readonly extWords: number;
  /** Copies the objects a step built into their declared shape (state/shape.ts). */
  private readonly settle: (n: State, p: State | undefined) => State;

  constructor(scope: IommufdScope, variant: Variant, options: BuildOptions = {}, ext?: Ext) {
    this.ctx = { scope, sw: decodeVariant(variant), variant, ...(ext ? { ext } : {}) };
    if (options.symmetry && ext) throw new UsageError('--symmetry is not available with --load extensions that add fields or actions (their fields do not move with a device swap)');
    this.swap = options.symmetry ? findSwap(scope) : undefined;
    this.codec = new StateCodec(scope);
    this.extWords = ext ? extWordCount(ext, initialState(scope)) : 0;
    this.settle = makeSettle(ext?.schema ?? STATE_SCHEMA);
  }

  initStates(): readonly State[] {
    const s = initialState(this.ctx.scope);
    return [this.settle(this.ctx.ext ? fillExtFields(this.ctx.ext, s) : s, undefined)];
  }

  actions(s: State): readonly Action[] {
    return enabledActions(this.ctx, s);
  }

  nextState(s: State, a: Action): State {
    const n = nextState(this.ctx, s, a);
    return this.settle(this.ctx.ext && this.ctx.ext.fields.length > 0 ? fillExtFields(this.ctx.ext, n) : n, s);
  }

  encode(s: State, out: Encoder): void {
    if (this.swap) encodeCanonical(s, this.swap, this.codec, out, this.scratch[0], this.scratch[1]);
    else this.codec.encode(s, out);
    if (this.ctx.ext) encodeExtFields(this.ctx.ext, s, out);
  }

  decode(words: Int32Array): State {
    const ext = this.ctx.ext;
    if (!ext) return this.codec.decode(words);
    return decodeExtFields(ext, this.codec.decode(words.subarray(0, words.length - this.extWords)), words, words.length - this.extWords);
  }

  process(a: Action): string {
    return processName(a);
  }

  label(a: Action): string {
    const e = entryOf(this.ctx, a.type);
    if (e === undefined) throw new Error(`no entry point has action type ${JSON.stringify(a.type)}`);
    return e.label(a);
  }

  /**
   * Bookkeeping the email's step lines leave out: where a thread stands in
   * its menu (program counter, the op in progress, the ops done). The
   * kernel locals a step works with (nr, slot, cur, made, held, rc) stay.
   */
  internalFields(): readonly string[] {
    return ['threads.*.pc', 'threads.*.op', 'threads.*.done'];
  }

  /** A terminal state is an accepted end when no thread is stuck inside an op (an oopsed thread is dead, not stuck). */
  isValidEnd(s: State): boolean {
    return s.threads.every((t) => t.pc === 'idle' || t.pc === 'OOPS');
  }

  /** Progress (restore-progress) is also judged in the new kernel whenever every VMM thread is between ioctls. */
  isQuiescent(s: State): boolean {
    return isQuiescent(s);
  }

  actionKind(a: Action): string {
    return a.type;
  }

  /** The step of a multi-step entry point (MAP_FILE M1-M4, the iommufd preserve P0-P4, an extension's). */
  actionStep(a: Action): string | undefined {
    return entryOf(this.ctx, a.type)?.steps ? (a as { step?: string }).step : undefined;
  }

  /** The kinds the scope's menus can issue, then the reboot and boot steps of a lifecycle scope. */
  actionMenu(): readonly MenuKind[] {
    const { scope } = this.ctx;
    const { ops, split } = menus(scope);
    const out = ops.flatMap((menu, pid) => menu.flatMap((o, idx) => opKinds(this.ctx, o, idx >= split[pid]!)));
    if (scope.phases === 'lifecycle') {
      for (const e of CORE.systemSteps()) if (e.system!.inMenu(scope)) out.push({ kind: e.type });
    }
    return out;
  }

  toJson(s: State): unknown {
    const j = stateJson(s);
    return this.ctx.ext ? extJson(this.ctx.ext, s, j as Record<string, unknown>) : j;
  }
}

/**
 * The iommufd model's spec with the --load extensions `exts` (in load
 * order): their fields, ops and entry points, switches and scopes. With
 * none, the shipped model.
 */
export function makeIommufdSpec(exts: readonly Extension[] = [], treeInvariants: readonly Invariant<State, Action>[] = []): ModelSpec<IommufdScope, State, Action> {
  const ext = compileExtensions(exts, { ops: CORE.ops.map((o) => o.name), types: CORE.entries.map((e) => e.type) });
  const sw = switchesWith(exts, SWITCHES, PRESETS);
  const parse = (json: unknown) => parseIommufdScope(json, ext);
  const scopes: Record<string, IommufdScope> = { ...SCOPES };
  const docs: Record<string, string> = { ...SCOPE_DOCS };
  for (const x of exts) {
    for (const [name, json] of Object.entries(x.scopes)) {
      if (name in scopes) throw new UsageError(`--load ${JSON.stringify(x.file)}: scope ${JSON.stringify(name)} already exists`);
      try {
        scopes[name] = parse(json);
      } catch (e) {
        throw new UsageError(`--load ${JSON.stringify(x.file)}: scope ${JSON.stringify(name)}: ${(e as Error).message.replace(/^scope: /, '')}`);
      }
      docs[name] = `from ${x.file}`;
    }
  }
  const schema = ext?.schema ?? STATE_SCHEMA;
  return {
    name: 'iommufd',
    description: 'iommufd live update (v2 series): objects, ioctls and the preserve path at lock granularity, kexec, boot, rebuild and finish',
    scopes,
    scopeDocs: docs,
    defaultScope: DEFAULT_SCOPE,
    parseScope: parse,
    switches: sw.switches,
    presets: sw.presets,
    defaultPreset: 'fixed',
    invariants: (_scope, variant) => [...iommufdInvariants(decodeVariant(variant)), ...treeInvariants],
    build: (scope, variant, options) => new IommufdModel(scope, variant, options, ext),
    cases: IOMMUFD_CASES,
    extend: (file, abs, mod) => {
      const x = parseExtension(file, abs, mod);
      return x ? makeIommufdSpec([...exts, x], treeInvariants) : undefined;
    },
    loadedView: (what) => (s) => strictView(s, schema, false, what),
    pointScope: (setup, actors, after) => ({ ...setup, threads: actors, ...(after ? { restore: after, phases: setup['phases'] ?? 'lifecycle' } : {}) }),
  };
}

/** The extensions folded into the tree (extensions/index.ts), parsed as --load parses a module, and their invariants. */
function folded(): [Extension[], Invariant<State, Action>[]] {
  const exts: Extension[] = [];
  const invs: Invariant<State, Action>[] = [];
  for (const { file, module } of TREE_EXTENSIONS) {
    const x = parseExtension(file, file, module as Record<string, unknown>);
    if (x) exts.push(x);
    const d = module['default'];
    for (const inv of d === undefined ? [] : Array.isArray(d) ? d : [d]) invs.push(inv as Invariant<State, Action>);
  }
  return [exts, invs];
}

export const iommufdSpec = makeIommufdSpec(...folded());

export type { IommufdScope } from './scopes/scopes.js';
export type { Action, State } from './state/types.js';


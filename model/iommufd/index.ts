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
import { Encoder } from '../../explorer/fingerprint.js';
import type { Model } from '../../explorer/model.js';
import type { BuildOptions, ModelSpec, Variant } from '../../explorer/spec.js';
import { iommufdInvariants } from '../../invariants/index.js';
import { enabledActions } from './actions.js';
import { IOMMUFD_CASES } from './cases.js';
import type { Ctx } from './ctx.js';
import { decodeState, encodeState } from './encode.js';
import { encodeCanonical, findSwap, type DeviceSwap } from './symmetry.js';
import { isQuiescent } from './predicates-kexec.js';
import { initialState } from './init.js';
import { nextState } from './next.js';
import { parseIommufdScope } from './scope-parse.js';
import { DEFAULT_SCOPE, SCOPE_DOCS, SCOPES, type IommufdScope } from './scopes.js';
import type { Action, State } from './types.js';
import { decodeVariant, PRESETS, SWITCHES } from './variants.js';
import { label, processName, stateJson } from './view.js';
import { kselftestStep } from './kselftest.js';

export class IommufdModel implements Model<State, Action> {
  readonly ctx: Ctx;

  /** --format kselftest: how userspace performs `a` from `s`, as C (kselftest.ts). */
  readonly kselftest = (a: Action, s: State) => kselftestStep(this.ctx, a, s);

  /** The device swap symmetry reduction uses (BuildOptions.symmetry), if the scope has one. */
  private readonly swap: DeviceSwap | undefined;
  private readonly scratch = [new Encoder(), new Encoder()] as const;

  constructor(scope: IommufdScope, variant: Variant, options: BuildOptions = {}) {
    this.ctx = { scope, sw: decodeVariant(variant) };
    this.swap = options.symmetry ? findSwap(scope) : undefined;
  }

  initStates(): readonly State[] {
    return [initialState(this.ctx.scope)];
  }

  actions(s: State): readonly Action[] {
    return enabledActions(this.ctx, s);
  }

  nextState(s: State, a: Action): State {
    return nextState(this.ctx, s, a);
  }

  encode(s: State, out: Encoder): void {
    if (this.swap) encodeCanonical(s, this.swap, out, this.scratch[0], this.scratch[1]);
    else encodeState(s, out);
  }

  decode(words: Int32Array): State {
    return decodeState(this.ctx.scope, words);
  }

  process(a: Action): string {
    return processName(a);
  }

  label(a: Action): string {
    return label(a);
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

  toJson(s: State): unknown {
    return stateJson(s);
  }
}

export const iommufdSpec: ModelSpec<IommufdScope, State, Action> = {
  name: 'iommufd',
  description: 'iommufd live update (v2 series): objects, ioctls and the preserve path at lock granularity, kexec, boot, rebuild and finish',
  scopes: SCOPES,
  scopeDocs: SCOPE_DOCS,
  defaultScope: DEFAULT_SCOPE,
  parseScope: parseIommufdScope,
  switches: SWITCHES,
  presets: PRESETS,
  defaultPreset: 'fixed',
  invariants: (_scope, variant) => iommufdInvariants(decodeVariant(variant)),
  build: (scope, variant, options) => new IommufdModel(scope, variant, options),
  cases: IOMMUFD_CASES,
};

export type { IommufdScope } from './scopes.js';
export type { Action, State } from './types.js';


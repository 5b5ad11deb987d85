/**
 * Two-phase commit, a transcription of Lamport's TwoPhase.tla (tlaplus/Examples,
 * specifications/transaction_commit). It validates the engine: TLC and
 * Stateright both report 288 distinct states for 3 resource managers.
 *
 * Left out, as in TwoPhase.tla: liveness, Prepare messages from the TM, and the
 * RM's abort message. Messages are a set that only grows (loss and duplication
 * for free). State: rmState per RM, tmState, tmPrepared (bit set), msgs (bit set:
 * Prepared(rm) bits 0..n-1, Commit bit n, Abort bit n+1).
 */
import { match } from 'ts-pattern';
import type { Encoder } from '../../explorer/search/fingerprint.js';
import type { Invariant } from '../../explorer/invariant.js';
import type { Model } from '../../explorer/model.js';
import type { ModelSpec } from '../../explorer/spec.js';
import { parseIntField, rejectUnknownKeys, requireObject } from '../../explorer/traces/scope-file.js';

export type RmState = 'working' | 'prepared' | 'committed' | 'aborted';
const RM_STATES: readonly RmState[] = ['working', 'prepared', 'committed', 'aborted'];

export interface TwoPhaseState {
  readonly rmState: readonly RmState[];
  readonly tmState: 'init' | 'done';
  readonly tmPrepared: number;
  readonly msgs: number;
}

export type TwoPhaseAction =
  | { readonly type: 'TMRcvPrepared'; readonly rm: number }
  | { readonly type: 'TMCommit' }
  | { readonly type: 'TMAbort' }
  | { readonly type: 'RMPrepare'; readonly rm: number }
  | { readonly type: 'RMChooseToAbort'; readonly rm: number }
  | { readonly type: 'RMRcvCommitMsg'; readonly rm: number }
  | { readonly type: 'RMRcvAbortMsg'; readonly rm: number };

export interface TwoPhaseScope {
  readonly rms: number;
}

export class TwoPhaseModel implements Model<TwoPhaseState, TwoPhaseAction> {
  private readonly n: number;
  private readonly all: number;
  private readonly commit: number;
  private readonly abort: number;

  constructor(scope: TwoPhaseScope) {
    this.n = scope.rms;
    this.all = (1 << this.n) - 1;
    this.commit = 1 << this.n;
    this.abort = 1 << (this.n + 1);
  }

  /** TPInit */
  initStates(): readonly TwoPhaseState[] {
    return [{ rmState: Array<RmState>(this.n).fill('working'), tmState: 'init', tmPrepared: 0, msgs: 0 }];
  }

  /** TPNext: the guards. */
  actions(s: TwoPhaseState): readonly TwoPhaseAction[] {
    const out: TwoPhaseAction[] = [];
    if (s.tmState === 'init') {
      for (let rm = 0; rm < this.n; rm++) if (s.msgs & (1 << rm)) out.push({ type: 'TMRcvPrepared', rm });
      if (s.tmPrepared === this.all) out.push({ type: 'TMCommit' });
      out.push({ type: 'TMAbort' });
    }
    for (let rm = 0; rm < this.n; rm++) {
      if (s.rmState[rm] === 'working') {
        out.push({ type: 'RMPrepare', rm });
        out.push({ type: 'RMChooseToAbort', rm });
      }
      if (s.msgs & this.commit) out.push({ type: 'RMRcvCommitMsg', rm });
      if (s.msgs & this.abort) out.push({ type: 'RMRcvAbortMsg', rm });
    }
    return out;
  }

  /** TPNext: the effects. */
  nextState(s: TwoPhaseState, a: TwoPhaseAction): TwoPhaseState {
    const setRm = (rm: number, v: RmState): readonly RmState[] => s.rmState.map((x, i) => (i === rm ? v : x));
    return match(a)
      .with({ type: 'TMRcvPrepared' }, ({ rm }) => ({ ...s, tmPrepared: s.tmPrepared | (1 << rm) }))
      .with({ type: 'TMCommit' }, () => ({ ...s, tmState: 'done' as const, msgs: s.msgs | this.commit }))
      .with({ type: 'TMAbort' }, () => ({ ...s, tmState: 'done' as const, msgs: s.msgs | this.abort }))
      .with({ type: 'RMPrepare' }, ({ rm }) => ({ ...s, rmState: setRm(rm, 'prepared'), msgs: s.msgs | (1 << rm) }))
      .with({ type: 'RMChooseToAbort' }, ({ rm }) => ({ ...s, rmState: setRm(rm, 'aborted') }))
      .with({ type: 'RMRcvCommitMsg' }, ({ rm }) => ({ ...s, rmState: setRm(rm, 'committed') }))
      .with({ type: 'RMRcvAbortMsg' }, ({ rm }) => ({ ...s, rmState: setRm(rm, 'aborted') }))
      .exhaustive();
  }

  encode(s: TwoPhaseState, out: Encoder): void {
    let w = 0;
    for (const r of s.rmState) w = (w << 2) | RM_STATES.indexOf(r);
    out.push(w);
    out.push((s.tmState === 'done' ? 1 : 0) | (s.tmPrepared << 1) | (s.msgs << 12));
  }

  decode(w: Int32Array): TwoPhaseState {
    const rmState: RmState[] = [];
    for (let i = this.n - 1; i >= 0; i--) rmState.push(RM_STATES[(w[0]! >> (2 * i)) & 3]!);
    const x = w[1]!;
    return { rmState, tmState: x & 1 ? 'done' : 'init', tmPrepared: (x >> 1) & 0x7ff, msgs: x >> 12 };
  }

  process(a: TwoPhaseAction): string {
    return 'rm' in a ? `RM${a.rm + 1}` : 'TM';
  }

  label(a: TwoPhaseAction): string {
    return 'rm' in a ? `${a.type}(rm${a.rm + 1})` : a.type;
  }

  actionKind(a: TwoPhaseAction): string {
    return a.type;
  }

  toJson(s: TwoPhaseState): unknown {
    const bits = (m: number) => [...Array(this.n).keys()].filter((i) => m & (1 << i)).map((i) => `rm${i + 1}`);
    const msgs: string[] = bits(s.msgs).map((r) => `Prepared(${r})`);
    if (s.msgs & this.commit) msgs.push('Commit');
    if (s.msgs & this.abort) msgs.push('Abort');
    return { rmState: s.rmState, tmState: s.tmState, tmPrepared: bits(s.tmPrepared), msgs };
  }
}

const SOURCE = 'tlaplus/Examples specifications/transaction_commit/TwoPhase.tla';

export const twoPhaseInvariants: readonly Invariant<TwoPhaseState, TwoPhaseAction>[] = [
  {
    id: 'tc-consistent',
    title: 'TCConsistent: no resource manager commits while another aborts',
    kind: 'state',
    source: SOURCE,
    check: (s) =>
      s.rmState.includes('committed') && s.rmState.includes('aborted')
        ? 'one resource manager committed while another aborted'
        : null,
    witness: { title: 'every resource manager committed', reached: (_p, _a, s) => s.rmState.every((r) => r === 'committed') },
  },
];

export const twoPhaseSpec: ModelSpec<TwoPhaseScope, TwoPhaseState, TwoPhaseAction> = {
  name: 'twophase',
  description: "two-phase commit (TwoPhase.tla); 3 RMs give TLC's and Stateright's 288 states",
  scopes: { rm3: { rms: 3 }, rm4: { rms: 4 } },
  scopeDocs: { rm3: '3 resource managers: 288 states', rm4: '4 resource managers: 1,568 states' },
  defaultScope: 'rm3',
  parseScope(json) {
    const o = requireObject(json, 'scope');
    rejectUnknownKeys(o, ['rms'], 'scope');
    return { rms: parseIntField(o, 'rms', 1, 8) };
  },
  switches: [],
  presets: { fixed: {} },
  defaultPreset: 'fixed',
  invariants: () => twoPhaseInvariants,
  build: (scope) => new TwoPhaseModel(scope),
};

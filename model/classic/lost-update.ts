/**
 * A toy model with a known bug, to validate the explorers: two threads each
 * increment a shared counter with a separate load and store (no lock), so an
 * interleaving loses an update. A third process, an interrupt handler, bumps an
 * unrelated statistics counter; its steps are noise that a shrunk
 * counterexample must drop.
 *
 * The shortest counterexample has 4 steps: T1 load, T2 load, T1 store, T2 store.
 * With `--set lock=on` the load and store form one critical section and the
 * invariant holds.
 */
import { match } from 'ts-pattern';
import type { Encoder } from '../../explorer/search/fingerprint.js';
import type { Invariant } from '../../explorer/invariant.js';
import type { Model } from '../../explorer/model.js';
import type { ModelSpec, Variant } from '../../explorer/spec.js';
import { parseIntField, rejectUnknownKeys, requireObject } from '../../explorer/traces/scope-file.js';

/** pc: 0 = before load, 1 = loaded (holding tmp), 2 = done. */
export interface LostUpdateState {
  readonly x: number;
  readonly pc: readonly number[];
  readonly tmp: readonly number[];
  /** Interrupt statistics counter, bounded by the scope. */
  readonly irqs: number;
  /** The thread holding the lock + 1, or 0 (only with lock=on). */
  readonly lock: number;
}

export type LostUpdateAction =
  | { readonly type: 'load'; readonly t: number }
  | { readonly type: 'store'; readonly t: number }
  | { readonly type: 'irq' };

export interface LostUpdateScope {
  readonly threads: number;
  readonly irqs: number;
}

export class LostUpdateModel implements Model<LostUpdateState, LostUpdateAction> {
  constructor(
    private readonly scope: LostUpdateScope,
    private readonly locked: boolean,
    /** Threads are interchangeable: `encode` sorts them by (pc, tmp). */
    private readonly symmetry = false,
  ) {}

  initStates(): readonly LostUpdateState[] {
    const n = this.scope.threads;
    return [{ x: 0, pc: Array<number>(n).fill(0), tmp: Array<number>(n).fill(0), irqs: 0, lock: 0 }];
  }

  actions(s: LostUpdateState): readonly LostUpdateAction[] {
    const out: LostUpdateAction[] = [];
    for (let t = 0; t < s.pc.length; t++) {
      if (s.pc[t] === 0 && (!this.locked || s.lock === 0)) out.push({ type: 'load', t });
      if (s.pc[t] === 1) out.push({ type: 'store', t });
    }
    if (s.irqs < this.scope.irqs) out.push({ type: 'irq' });
    return out;
  }

  nextState(s: LostUpdateState, a: LostUpdateAction): LostUpdateState {
    const set = (xs: readonly number[], i: number, v: number) => xs.map((x, j) => (j === i ? v : x));
    return match(a)
      .with({ type: 'load' }, ({ t }) => ({
        ...s,
        pc: set(s.pc, t, 1),
        tmp: set(s.tmp, t, s.x),
        lock: this.locked ? t + 1 : s.lock,
      }))
      .with({ type: 'store' }, ({ t }) => ({
        ...s,
        x: s.tmp[t]! + 1,
        pc: set(s.pc, t, 2),
        tmp: set(s.tmp, t, 0),
        lock: this.locked ? 0 : s.lock,
      }))
      .with({ type: 'irq' }, () => ({ ...s, irqs: s.irqs + 1 }))
      .exhaustive();
  }

  encode(s: LostUpdateState, out: Encoder): void {
    const keys = s.pc.map((p, t) => p | (s.tmp[t]! << 2));
    let lock = s.lock;
    if (this.symmetry) {
      const holder = lock > 0 ? keys[lock - 1]! : -1;
      keys.sort((a, b) => a - b);
      if (lock > 0) lock = keys.indexOf(holder) + 1;
    }
    out.push(s.x);
    out.push(s.irqs);
    out.push(lock);
    for (const k of keys) out.push(k);
  }

  decode(w: Int32Array): LostUpdateState {
    const n = w.length - 3;
    const pc: number[] = [];
    const tmp: number[] = [];
    for (let t = 0; t < n; t++) {
      pc.push(w[3 + t]! & 3);
      tmp.push(w[3 + t]! >> 2);
    }
    return { x: w[0]!, irqs: w[1]!, lock: w[2]!, pc, tmp };
  }

  process(a: LostUpdateAction): string {
    return a.type === 'irq' ? 'IRQ' : `T${a.t + 1}`;
  }

  label(a: LostUpdateAction): string {
    return a.type === 'irq' ? 'irq: stats++' : a.type === 'load' ? 'tmp = x' : 'x = tmp + 1';
  }

  /** The interrupt only bumps its own counter, which no invariant reads: independent of everything. */
  independent(a: LostUpdateAction): boolean {
    return a.type === 'irq';
  }

  actionKind(a: LostUpdateAction): string {
    return a.type;
  }

  toJson(s: LostUpdateState): unknown {
    return { x: s.x, pc: s.pc, tmp: s.tmp, irqs: s.irqs, lock: s.lock };
  }

  isValidEnd(s: LostUpdateState): boolean {
    return s.pc.every((p) => p === 2);
  }

  /** The program counters say nothing the action label does not; the email leaves them out. */
  internalFields(): readonly string[] {
    return ['pc'];
  }
}

export const lostUpdateInvariants: readonly Invariant<LostUpdateState, LostUpdateAction>[] = [
  {
    id: 'no-lost-update',
    title: 'Once every thread has stored, the counter counts every increment',
    kind: 'state',
    source: 'luocheck toy model (model/classic/lost-update.ts)',
    check: (s) =>
      s.pc.every((p) => p === 2) && s.x !== s.pc.length
        ? `every thread stored, but x = ${s.x} instead of ${s.pc.length}`
        : null,
    witness: { title: 'every thread has stored', reached: (_p, _a, s) => s.pc.every((p) => p === 2) },
  },
];

export const lostUpdateSpec: ModelSpec<LostUpdateScope, LostUpdateState, LostUpdateAction> = {
  name: 'lostupdate',
  description: 'toy: two threads increment a counter without a lock and lose an update',
  scopes: { two: { threads: 2, irqs: 3 }, three: { threads: 3, irqs: 3 } },
  scopeDocs: { two: '2 threads, 3 interrupts', three: '3 threads, 3 interrupts' },
  defaultScope: 'two',
  parseScope(json) {
    const o = requireObject(json, 'scope');
    rejectUnknownKeys(o, ['threads', 'irqs'], 'scope');
    return { threads: parseIntField(o, 'threads', 1, 6), irqs: parseIntField(o, 'irqs', 0, 20) };
  },
  switches: [{ name: 'lock', values: ['off', 'on'], doc: 'load and store under one lock (off: the bug)' }],
  presets: { fixed: { lock: 'on' }, buggy: { lock: 'off' } },
  defaultPreset: 'buggy',
  invariants: () => lostUpdateInvariants,
  build: (scope, variant: Variant, options) => new LostUpdateModel(scope, variant['lock'] === 'on', options?.symmetry ?? false),
  cases: [{ id: 'lost-update', title: 'load/store race loses an increment', scope: 'two', set: { lock: 'off' }, invariant: 'no-lost-update', expect: 'violation', found: 'race' }],
};

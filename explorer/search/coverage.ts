/**
 * Per-action coverage (`--coverage`, after TLC's -coverage): how often each
 * kind of action fired and how many of its successors were new states, per
 * kind and, for a multi-step action, per program counter. The kinds and
 * steps the model says it can issue (Model.actionMenu) and that never fired
 * are listed, so a scope whose op never runs does not look as green as one
 * that exercised it.
 *
 * The searches count in the order they take transitions (the parallel search
 * in the order it merges its workers' results, which is the sequential
 * order), so the figures are the same for any number of workers.
 */
import type { Model } from '../model.js';

export interface CoverageCount {
  readonly fired: number;
  readonly newStates: number;
}

export interface CoverageStep extends CoverageCount {
  readonly step: string;
}

export interface CoverageAction extends CoverageCount {
  readonly action: string;
  /** Per program counter, for a multi-step action. */
  readonly steps?: readonly CoverageStep[];
}

export interface CoverageReport {
  readonly actions: readonly CoverageAction[];
  /** "kind" or "kind step" for every menu kind and step that never fired. */
  readonly neverFired: readonly string[];
}

/** The key of one coverage point: the kind, and the step after a NUL when there is one. */
export function coverageKey<S, A>(model: Model<S, A>, a: A): string {
  const kind = model.actionKind ? model.actionKind(a) : model.label(a);
  const step = model.actionStep?.(a);
  return step === undefined ? kind : `${kind}\0${step}`;
}

/** What a search calls to count (a CoverageCounter of the search's model). */
export interface CoverageSink {
  /** The interned number of the coverage key of action `a` (an action of the model the counter was made for). */
  idOf(a: unknown): number;
  intern(key: string): number;
  count(id: number, isNew: boolean): void;
}

/** Counts fired transitions and new states per coverage key, keys interned to small numbers. */
export class CoverageCounter<S, A> implements CoverageSink {
  private readonly ids = new Map<string, number>();
  readonly keys: string[] = [];
  private fired: number[] = [];
  private fresh: number[] = [];

  constructor(private readonly model: Model<S, A>) {}

  /** The interned number of `key`. */
  intern(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.ids.set(key, id);
      this.keys.push(key);
      this.fired.push(0);
      this.fresh.push(0);
    }
    return id;
  }

  /** The interned key of action `a`. */
  idOf(a: unknown): number {
    return this.intern(coverageKey(this.model, a as A));
  }

  /** One transition by the action with key `id`; `isNew` when its successor was a new state. */
  count(id: number, isNew: boolean): void {
    this.fired[id]!++;
    if (isNew) this.fresh[id]!++;
  }

  /** The figures, in the model's menu order, then the other kinds and steps by name. */
  report(): CoverageReport {
    const zero: CoverageCount = { fired: 0, newStates: 0 };
    const byKind = new Map<string, Map<string | undefined, CoverageCount>>();
    const at = (kind: string) => byKind.get(kind) ?? byKind.set(kind, new Map()).get(kind)!;
    for (const m of this.model.actionMenu?.() ?? []) {
      for (const st of m.steps ?? [undefined]) if (!at(m.kind).has(st)) at(m.kind).set(st, zero);
    }
    const split = (k: string) => k.split('\0') as [string, string | undefined];
    for (const k of [...this.keys].sort()) {
      const [kind, step] = split(k);
      if (!at(kind).has(step)) at(kind).set(step, zero);
    }
    this.keys.forEach((k, i) => {
      const [kind, step] = split(k);
      at(kind).set(step, { fired: this.fired[i]!, newStates: this.fresh[i]! });
    });
    const actions: CoverageAction[] = [];
    const neverFired: string[] = [];
    for (const [kind, steps] of byKind) {
      const list = [...steps].filter(([st]) => st !== undefined).map(([step, c]) => ({ step: step!, ...c }));
      const own = steps.get(undefined) ?? zero;
      const fired = own.fired + list.reduce((n, s) => n + s.fired, 0);
      const newStates = own.newStates + list.reduce((n, s) => n + s.newStates, 0);
      actions.push(list.length > 0 ? { action: kind, fired, newStates, steps: list } : { action: kind, fired, newStates });
      if (fired === 0) neverFired.push(kind);
      else for (const s of list) if (s.fired === 0) neverFired.push(`${kind} ${s.step}`);
    }
    return { actions, neverFired };
  }
}

/** The text lines of a coverage report (text format, and the summary printed with --out). */
export function coverageLines(c: CoverageReport): string[] {
  const n = (x: number) => x.toLocaleString('en-US');
  const width = Math.max(6, ...c.actions.flatMap((a) => [a.action.length, ...(a.steps ?? []).map((s) => s.step.length + 2)]));
  const row = (name: string, x: CoverageCount) => `       ${name.padEnd(width)}  ${n(x.fired).padStart(11)}  ${n(x.newStates).padStart(10)}`;
  const out = [`     coverage (per action; per program counter of a multi-step action):`, `       ${'action'.padEnd(width)}  ${'fired'.padStart(11)}  ${'new states'.padStart(10)}`];
  for (const a of c.actions) {
    out.push(row(a.action, a));
    for (const s of a.steps ?? []) out.push(row(`  ${s.step}`, s));
  }
  if (c.neverFired.length > 0) {
    out.push(`     warning: ${c.neverFired.length} action${c.neverFired.length === 1 ? '' : 's'} or step${c.neverFired.length === 1 ? '' : 's'} of the menu never fired:`);
    for (const k of c.neverFired) out.push(`       ${k}`);
  }
  return out;
}

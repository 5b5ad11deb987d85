/**
 * The report of one run, in the shape of the JSON report (README, "Command line"); every
 * renderer (text, json, junit) reads this and nothing else.
 */
import type { ExploreResult } from '../search/bfs.js';
import type { WitnessResult } from '../search/checker.js';
import type { Invariant } from '../invariant.js';
import type { Model } from '../model.js';
import type { Race } from './race.js';
import type { CoverageReport } from '../search/coverage.js';
import { contextSwitches } from './trace.js';
import type { Variant } from '../spec.js';

export interface ReportStep {
  step: number;
  process: string;
  action: string;
  state: unknown;
}

export interface ReportViolation {
  invariant: string;
  title: string;
  kind: 'state' | 'step' | 'progress' | 'deadlock';
  message: string;
  source: string;
  /** Steps after the initial state, and process switches between them. */
  length: number;
  contextSwitches: number;
  /** Length and context switches before shrinking (explorer/traces/shrink.ts). */
  unshrunk?: { length: number; contextSwitches: number };
  /** False when a budget stopped the context-switch search before it proved the minimum. */
  switchesMinimal?: boolean;
  /** The two steps whose order decides the violation (explorer/traces/race.ts). */
  race?: Race;
  trace: ReportStep[];
}

export interface Report {
  model: string;
  scope: string;
  /** The bounds of the scope, so a report (and its traces) replays without the scope file. */
  scopeBounds: unknown;
  variant: Variant;
  variantName: string;
  /** The model's `fixed` preset, so renderers can name the switches that differ from it. */
  fixedVariant?: Variant;
  mode: 'exhaustive' | 'random' | 'pbt';
  result: 'ok' | 'violation' | 'incomplete';
  stats: {
    distinctStates: number;
    transitions: number;
    depth: number;
    seconds: number;
    statesPerSecond: number;
    collisionProbability: number;
    runs?: number;
    steps?: number;
  };
  violations: ReportViolation[];
  witnesses: WitnessResult[];
  /** The ids of the invariants checked. */
  checked: string[];
  /**
   * Invariants of `checked` that were not checked to the end, because the
   * search stopped (at the first violation without --continue, or at a
   * bound), and why. They neither failed nor passed.
   */
  notChecked?: { invariants: string[]; reason: string };
  /** What the reader should know about how the run went (e.g. a flag that had no effect). */
  notes?: string[];
  seed?: number;
  path?: string;
  shrinks?: number;
  unshrunkLength?: number;
  stoppedBy?: string;
  /** What loaded code did wrong, when that ended the run early (the CLI says it on stderr and exits 2). */
  loadedError?: string;
  completeDepth?: number;
  frontier?: number;
  /** The command that reproduces this run. */
  command: string;
  /**
   * A point file's run (explorer/cli/point.ts): the point, the outcome `expect`
   * names for this variant (if any), and the outcome observed: "sometimes"
   * when some interleaving broke the property, "never" when the complete
   * search found none, "unknown" when it stopped early.
   */
  point?: { file: string; title: string; source: string; expect?: 'never' | 'sometimes'; observed: 'never' | 'sometimes' | 'unknown' };
  /** Per-action coverage (--coverage). */
  coverage?: CoverageReport;
}

/** What the command line knows of a run before it starts. */
export type ReportContext = Pick<Report, 'model' | 'scope' | 'scopeBounds' | 'variant' | 'variantName' | 'fixedVariant' | 'mode' | 'command'>;

type AnyResult = ExploreResult<unknown, unknown> & {
  runs?: number; steps?: number; seed?: number; path?: string; shrinks?: number; unshrunkLength?: number;
};

export function buildReport(
  ctx: ReportContext,
  model: Model<unknown, unknown>,
  invariants: readonly Invariant<unknown, unknown>[],
  r: AnyResult,
): Report {
  const byId = new Map(invariants.map((i) => [i.id, i]));
  const report: Report = {
    ...ctx,
    result: r.result,
    stats: {
      distinctStates: r.distinctStates,
      transitions: r.transitions,
      depth: r.depth,
      seconds: Math.round(r.seconds * 1000) / 1000,
      statesPerSecond: r.statesPerSecond,
      collisionProbability: r.collisionProbability,
    },
    violations: r.violations.map((v) => {
      const inv = byId.get(v.invariant);
      return {
        invariant: v.invariant,
        title: inv?.title ?? 'no reachable state may be stuck',
        kind: v.kind,
        message: v.message,
        source: inv?.source ?? 'the model (isValidEnd)',
        length: v.trace.length - 1,
        contextSwitches: contextSwitches(model, v.trace),
        trace: v.trace.map((t, i) => ({
          step: i,
          process: t.action === undefined ? 'init' : model.process(t.action),
          action: t.action === undefined ? 'init' : model.label(t.action),
          state: model.toJson(t.state),
        })),
      };
    }),
    witnesses: r.witnesses,
    checked: invariants.map((i) => i.id),
  };
  if (r.runs !== undefined) report.stats.runs = r.runs;
  if (r.steps !== undefined) report.stats.steps = r.steps;
  for (const k of ['seed', 'path', 'shrinks', 'unshrunkLength', 'stoppedBy', 'loadedError', 'completeDepth', 'frontier'] as const) {
    if (r[k] !== undefined) (report as unknown as Record<string, unknown>)[k] = r[k];
  }
  return report;
}

/** The invariants a stopped search left unchecked (Report.notChecked), or undefined. */
export function notChecked(r: Pick<Report, 'result' | 'violations' | 'checked' | 'stoppedBy'>, continued: boolean): Report['notChecked'] {
  const violated = new Set(r.violations.map((v) => v.invariant));
  const invariants = r.checked.filter((id) => !violated.has(id));
  if (invariants.length === 0) return undefined;
  const bound = r.stoppedBy !== undefined && r.stoppedBy !== 'depth' ? r.stoppedBy : undefined;
  if (bound !== undefined) return { invariants, reason: `the search was stopped by ${bound} before the space was explored` };
  if (r.result === 'violation' && !continued) {
    return { invariants, reason: `the search stopped at the first violation (${r.violations[0]!.invariant}); --continue checks the others` };
  }
  return undefined;
}

export function exitCode(r: Report): 0 | 1 | 3 {
  if (r.point?.expect !== undefined && r.point.observed !== 'unknown') return r.point.observed === r.point.expect ? 0 : 1;
  if (r.point && r.point.observed === 'unknown') return 3;
  return r.result === 'violation' ? 1 : r.result === 'incomplete' ? 3 : 0;
}

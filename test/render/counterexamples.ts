/**
 * The known-bug cases' counterexamples in-process, for the tests that kill
 * the mutants of model/iommufd/render/ (test/render/*-mutants.test.ts): the
 * exhaustive search of each case's small scenario scope and the shrinking
 * the command line does (refine), then the report and `--format kselftest`
 * as `luocheck check` builds them, without spawning the built command.
 *
 * The search runs once per case and file, lazily, inside the first test that
 * asks for it (never at module load: code run outside a test is Stryker's
 * "static" coverage, and a kernel mutant reached that way would run every
 * test). The report and the C are built again on each call, so that a
 * mutant of the renderers is seen by every test that renders.
 */
import type { ExploreResult } from '../../explorer/search/bfs.js';
import { explore } from '../../explorer/search/bfs.js';
import { FIXED, invariantsFor, modelFor, scopeOf } from '../model/helpers.js';
import { refine, type Refined } from '../../explorer/traces/refine.js';
import { buildReport, type Report } from '../../explorer/traces/report.js';
import { renderTraceFormat } from '../../explorer/render/formats.js';
import type { Model } from '../../explorer/model.js';
import type { Invariant } from '../../explorer/invariant.js';
import type { KnownCase } from '../../explorer/spec.js';
import { iommufdSpec, type IommufdModel } from '../../model/iommufd/index.js';
import type { Action, State } from '../../model/iommufd/state/types.js';
import type { IommufdScope } from '../../model/iommufd/scopes/scopes.js';

/** The known-bug cases that must be violated, on the small scenario scopes (not `ci`: a minute each). */
export const SMALL_VIOLATING: readonly KnownCase[] = iommufdSpec.cases!.filter((c) => c.expect === 'violation' && c.scope !== 'ci');

export function caseById(id: string): KnownCase {
  const c = iommufdSpec.cases!.find((x) => x.id === id);
  if (c === undefined) throw new Error(`no known-bug case ${id}`);
  return c;
}

export interface Searched {
  readonly c: KnownCase;
  readonly model: IommufdModel;
  readonly invariants: readonly Invariant<State, Action>[];
  /** The search's result with each violation's trace shrunk as the command line prints it. */
  readonly refined: Refined<ExploreResult<State, Action>>;
}

const searched = new Map<string, Searched>();

/** The case's search and shrink, once per file. */
export function search(id: string): Searched {
  const hit = searched.get(id);
  if (hit) return hit;
  const c = caseById(id);
  const model = modelFor(c.scope, c.set);
  const invariants = invariantsFor(c.scope, c.set);
  const refined = refine(model, invariants, explore(model, invariants, {}));
  const out = { c, model, invariants, refined };
  searched.set(id, out);
  return out;
}

/** The command line that runs the case (what the report says reproduces it). */
export function commandOf(c: KnownCase): string {
  return ['luocheck check --model iommufd --scope', c.scope, '--variant fixed', ...Object.entries(c.set).map(([k, v]) => `--set ${k}=${v}`)].join(' ');
}

/** The report `luocheck check` builds for the case (built anew on each call). */
export function reportOf(id: string): Report {
  const { c, model, invariants, refined } = search(id);
  return refined.annotate(
    buildReport(
      { model: 'iommufd', scope: c.scope, scopeBounds: scopeOf(c.scope), variant: { ...FIXED, ...c.set }, variantName: 'fixed', fixedVariant: FIXED, mode: 'exhaustive', command: commandOf(c) },
      model as Model<unknown, unknown>,
      invariants as readonly Invariant<unknown, unknown>[],
      refined.result as ExploreResult<unknown, unknown>,
    ),
  );
}

/** `--format kselftest` of the case, rendered anew on each call. */
export function kselftestOf(id: string): string {
  return renderTraceFormat(reportOf(id), 'kselftest', [iommufdSpec]);
}

/** The raw trace (states and actions) of the case's first violation, shrunk. */
export function traceOf(id: string): readonly { state: State; action?: Action }[] {
  const v = search(id).refined.result.violations[0];
  if (v === undefined) throw new Error(`case ${id} found no violation`);
  return v.trace;
}

const reached = new Map<string, { model: IommufdModel; states: readonly State[] }>();

/**
 * Every state reachable in a small scope (breadth-first, by the state's
 * JSON), once per file and scope: the states the views and labels are
 * checked on beyond the counterexamples' traces.
 */
export function reachable(scope: string | IommufdScope, set: Record<string, string> = {}): { model: IommufdModel; states: readonly State[] } {
  const scopeName = typeof scope === 'string' ? scope : JSON.stringify(scope);
  const key = `${scopeName} ${JSON.stringify(set)}`;
  const hit = reached.get(key);
  if (hit) return hit;
  const model = modelFor(scope, set);
  const seen = new Set<string>();
  const states: State[] = [];
  const queue = [...model.initStates()];
  for (let i = 0; i < queue.length; i++) {
    const s = queue[i]!;
    const k = JSON.stringify(s);
    if (seen.has(k)) continue;
    seen.add(k);
    states.push(s);
    if (states.length > 5000) throw new Error(`scope ${typeof scope === 'string' ? scope : 'given'} has more than 5000 states: not a small scope`);
    for (const a of model.actions(s)) queue.push(model.nextState(s, a));
  }
  const out = { model, states };
  reached.set(key, out);
  return out;
}

/**
 * finish-unclaimed with the rehydrate design's restore (switch
 * restore=rehydrate): the new kernel's VMM retrieves the session, the
 * memfd and the iommufd, takes the preserved domain back with
 * IOMMU_HWPT_LU_RESTORE into HWPT slot 1 and destroys it. No shipped small
 * scope has IOMMU_HWPT_LU_RESTORE (only ci, deep and nightly do).
 */
export const REHYDRATE: IommufdScope = {
  ...iommufdSpec.scopes['finish-unclaimed']!,
  restoreSlots: 1,
  restore: [[{ op: 'retrieve_session' }, { op: 'retrieve_fd', file: { kind: 'memfd', memfd: 0 } }, { op: 'retrieve_fd', file: { kind: 'iommufd' } }, { op: 'lu_restore', token: 1, hwpt: 1 }, { op: 'destroy', hwpt: 1 }]],
};

/**
 * The luocheck command line (README, "Command line"): list, check, replay, explain.
 * Exit codes: 0 ok, 1 violation, 2 bad input, 3 a bound stopped the run.
 */
import { parseArgs, type CheckArgs } from './args.js';
import { explore, type ExploreOptions, type ExploreResult } from '../search/bfs.js';
import { defaultWorkers, exploreParallel } from '../search/parallel.js';
import { UsageError } from '../errors.js';
import { defaultMaxMemory, interrupted, memoryVerdict, workersThatFit } from '../search/limits.js';
import { randomWalks, type RandomResult } from '../search/random.js';
import { pbtSearch, type PbtResult } from '../search/pbt.js';
import { buildReport, exitCode, notChecked, type Report } from '../traces/report.js';
import { readJsonFile, resolve, resolveSaved, type Resolved } from './resolve.js';
import { renderJson } from '../render/json.js';
import { renderJunit } from '../render/junit.js';
import { renderText } from '../render/text.js';
import { replayTrace } from '../traces/replay.js';
import { parseTraceFile } from '../traces/itf-read.js';
import { loadAll } from './load.js';
import { expected } from './point.js';
import { modelFactoryUrl } from './model-factory.js';
import { refine } from '../traces/refine.js';
import { progressSink } from './progress.js';
import { helpText, versionText } from './help.js';
import { renderTraceFormat } from '../render/formats.js';
import { checkOut, writeOut } from './atomic-write.js';
import { listText, listJson, explainText } from './list.js';
import { MODELS, DEFAULT_MODEL } from '../../model/registry.js';
import type { AnyModelSpec } from '../spec.js';
import { CoverageCounter } from '../search/coverage.js';
import { runStoppable, STOP_GRACE_MS, type Partial } from '../search/stoppable.js';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  isTTY: boolean;
  /** Set (non-zero) by a SIGINT in the main thread; the search stops with a partial report. */
  interrupt?: Int32Array;
  /**
   * Set by the command's worker thread (explorer/cli/cli-worker.ts): a search
   * that runs loaded code (--load) runs where it can be ended at any point
   * (explorer/search/stoppable.ts). `begin` is called before such a search,
   * `why` says why a SIGINT ended it ("interrupt", or "max-memory" when the
   * main thread sent it), `stopped` is called when it was ended so, with
   * the reason, `over` once it is over.
   */
  stoppable?: { begin: () => void; why: () => string; stopped: (reason: string) => void; over: () => void };
}

const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  isTTY: Boolean(process.stderr.isTTY),
};

/** The command that reproduces a run, for reports. */
function commandLine(res: Resolved, a: CheckArgs): string {
  const parts = a.point !== undefined ? ['luocheck check', a.point, `--variant ${res.variantName}`] : ['luocheck check', `--model ${res.spec.name}`, `--scope ${res.scopeName}`, `--variant ${res.variantName}`];
  const preset = res.spec.presets[res.variantName]!;
  for (const [k, v] of Object.entries(res.variant)) if (preset[k] !== v) parts.push(`--set ${k}=${v}`);
  if (a.mode !== 'exhaustive') parts.push(`--mode ${a.mode}`, `--seed ${a.seed}`);
  if (a.runs !== undefined) parts.push(`--runs ${a.runs}`);
  if (a.walkLength !== undefined) parts.push(`--walk-length ${a.walkLength}`);
  if (a.swarm) parts.push('--swarm');
  if (a.invariants) parts.push(`--invariant ${a.invariants.join(',')}`);
  if (a.depth !== undefined) parts.push(`--depth ${a.depth}`);
  if (a.continue) parts.push('--continue');
  if (a.symmetry) parts.push('--symmetry');
  if (a.por) parts.push('--por');
  for (const f of a.loads ?? []) parts.push(`--load ${f}`);
  return parts.join(' ');
}

export function runCheck(a: CheckArgs, io: Io, models: readonly AnyModelSpec[] = MODELS): Report {
  const res = resolve(models, DEFAULT_MODEL, a);
  const timeLimitMs = a.timeLimit === undefined ? undefined : a.timeLimit * 1000;
  const cap = a.maxMemory ?? defaultMaxMemory();
  const shouldStop = (p?: { upcomingBytes: number }) =>
    interrupted(io.interrupt) ? 'interrupt' : memoryVerdict(cap, p?.upcomingBytes ?? 0);
  const coverage = a.coverage ? new CoverageCounter(res.model) : undefined;
  let result;
  const progress = a.quiet ? undefined : progressSink(io.err, io.isTTY);
  // Loaded code may never return: in the command's worker, such a search can
  // be ended at any point, a little after its time limit or at Ctrl-C, and
  // still report what it explored.
  const ender = a.loads?.length ? io.stoppable : undefined;
  let endedInside: string | undefined;
  const guard = <R>(search: (partial?: Partial<R>) => R): R => {
    if (!ender) return search();
    ender.begin();
    try {
      return runStoppable(search, {
        ...(timeLimitMs !== undefined ? { timeoutMs: timeLimitMs + STOP_GRACE_MS } : {}),
        interruptReason: ender.why,
        onStopped: (reason, inside) => {
          progress?.end();
          endedInside = inside;
          ender.stopped(reason);
        },
      });
    } finally {
      ender.over();
    }
  };
  if (a.mode === 'exhaustive') {
    // The POR proviso reads the visited set as it is at each step: it runs
    // on one thread. Workers load the --load files themselves.
    const workers = a.por ? 1 : workersThatFit(a.workers ?? defaultWorkers(), cap);
    const search = res.model.decode && workers > 1
      ? (m: typeof res.model, invs: typeof res.invariants, o: ExploreOptions) =>
          exploreParallel(m, invs, { factory: modelFactoryUrl(), modelName: res.spec.name, scope: res.scope, variant: res.variant, symmetry: a.symmetry ?? false, ...(a.invariants ? { invariantIds: a.invariants } : {}), ...(a.loads?.length ? { loads: a.loads } : {}), ...(a.point ? { point: a.point } : {}) }, workers, o)
      : explore;
    result = guard((partial?: Partial<ExploreResult<unknown, unknown>>) => search(res.model, res.invariants, {
      ...(partial ? { partial } : {}),
      ...(a.depth !== undefined ? { maxDepth: a.depth } : {}),
      ...(a.maxStates !== undefined ? { maxStates: a.maxStates } : {}),
      ...(timeLimitMs !== undefined ? { timeLimitMs } : {}),
      continueAfterViolation: a.continue,
      por: a.por ?? false,
      shouldStop,
      ...(coverage ? { coverage } : {}),
      ...(progress ? { onProgress: progress.onProgress, progressEveryMs: progress.everyMs } : {}),
    }));
    progress?.end();
  } else if (a.mode === 'random') {
    result = guard((partial?: Partial<RandomResult<unknown, unknown>>) => randomWalks(res.model, res.invariants, {
      ...(partial ? { partial } : {}),
      seed: a.seed,
      runs: a.runs ?? 1000,
      walkLength: a.walkLength ?? 100,
      swarm: a.swarm,
      continueAfterViolation: a.continue,
      ...(a.shard ? { shardIndex: a.shard.index, shardCount: a.shard.count } : {}),
      shouldStop: () => shouldStop(),
      ...(coverage ? { coverage } : {}),
      ...(timeLimitMs !== undefined ? { timeLimitMs } : {}),
      ...(progress ? { onProgress: progress.onWalk, progressEveryMs: progress.everyMs } : {}),
    }));
    progress?.end();
  } else {
    result = guard((partial?: Partial<PbtResult<unknown, unknown>>) => pbtSearch(res.model, res.invariants, {
      ...(partial ? { partial } : {}),
      seed: a.seed,
      runs: a.runs ?? 200,
      walkLength: a.walkLength ?? 100,
      ...(a.path !== undefined ? { path: a.path } : {}),
      ...(timeLimitMs !== undefined ? { timeLimitMs } : {}),
      shouldStop: () => shouldStop(),
      ...(progress ? { onProgress: progress.onWalk, progressEveryMs: progress.everyMs } : {}),
    }));
    progress?.end();
  }
  const command = commandLine(res, a) + ('path' in result && result.path ? ` --path ${result.path}` : '');
  const fixedVariant = res.spec.presets['fixed'];
  const refined = refine(res.model, res.invariants, result);
  const report = refined.annotate(buildReport(
    { model: res.spec.name, scope: res.scopeName, scopeBounds: res.scope, variant: res.variant, variantName: res.variantName, ...(fixedVariant ? { fixedVariant } : {}), mode: a.mode, command },
    res.model,
    res.invariants,
    refined.result,
  ));
  if (a.por && !res.model.independent) {
    report.notes = [...(report.notes ?? []), `--por did nothing: model ${res.spec.name} declares no independent actions, so every state was expanded in full`];
  } else if (a.por && a.mode !== 'exhaustive') {
    report.notes = [...(report.notes ?? []), `--por did nothing: it reduces the exhaustive search only, not --mode ${a.mode}`];
  }
  if (endedInside !== undefined) {
    const when = report.stoppedBy === 'interrupt' ? 'at Ctrl-C' : report.stoppedBy === 'max-memory' ? 'when the process passed --max-memory' : 'after the time limit';
    report.notes = [...(report.notes ?? []), `${endedInside} did not return: it was ended ${when}; the figures are those of the search up to that call`];
  }
  const unchecked = notChecked(report, a.continue);
  if (unchecked) report.notChecked = unchecked;
  report.witnesses = report.witnesses.map((w) => {
    if (w.reached) return w;
    const scopes = [...new Set((res.spec.cases ?? []).filter((c) => c.invariant === w.invariant).map((c) => c.scope))];
    return scopes.length > 0 ? { ...w, exercisedIn: scopes } : w;
  });
  if (coverage) report.coverage = coverage.report();
  return report;
}

function render(r: Report, format: CheckArgs['format'], models: readonly AnyModelSpec[]): string {
  switch (format) {
    case 'json': return renderJson(r);
    case 'junit': return renderJunit(r);
    case 'text': return renderText(r);
    default: return renderTraceFormat(r, format, models);
  }
}

function runReplay(file: string, invariant: string | undefined, io: Io, models: readonly AnyModelSpec[]): number {
  const t = parseTraceFile(readJsonFile(file, 'trace file'), invariant);
  const { spec, scope, variant } = resolveSaved(models, t, 'trace');
  const model = spec.build(scope, variant);
  const outcome = replayTrace(model, spec.invariants(scope, variant), { ...t });
  io.out(`replay ${file}: ${t.model} ${t.scope}, invariant ${t.invariant}\n`);
  io.out(outcome.lines.map((l) => `  ${l}`).join('\n') + '\n');
  return outcome.ok ? 0 : 1;
}

export function main(argv: readonly string[], io: Io = defaultIo, models: readonly AnyModelSpec[] = MODELS): number {
  try {
    const { command, positional, check, info } = parseArgs(argv);
    if (info) {
      io.out(info.kind === 'version' ? versionText() : helpText(info.command));
      return 0;
    }
    const loaded = loadAll(models, check.loads ?? [], command === 'check' ? check.point : undefined);
    models = loaded.models;
    const point = loaded.point;
    if (point) {
      // The point file names its model, scope, variant and property; flags given still win.
      check.model ??= point.model;
      check.scope = point.scope;
      if (check.variant === undefined) {
        if (point.variant !== undefined) check.variant = point.variant;
        check.sets = [...point.sets, ...check.sets];
      }
      check.invariants ??= [point.invariant];
      if (!check.formatGiven && check.outs.length === 0) check.format = 'email';
    }
    switch (command) {
      case 'list':
        io.out(check.format === 'json' ? listJson(models) : listText(models));
        return 0;
      case 'explain':
        io.out(explainText(models, positional[0]!, check.maxStates));
        return 0;
      case 'replay':
        return runReplay(positional[0]!, check.invariants?.[0], io, models);
      case 'explore':
        // The server runs on the program's main thread (explorer/cli/luocheck.ts), which owns SIGINT.
        throw new UsageError('explore serves a page until Ctrl-C; run it as the luocheck program: luocheck explore [--scope ...] [TRACE]');
      case 'check': {
        // Every --out is checked before the search, so a bad one costs nothing.
        for (const o of check.outs) checkOut(o);
        const report = runCheck(check, io, models);
        if (point) {
          const broke = report.violations.some((v) => v.invariant === point.invariant);
          const complete = report.result !== 'incomplete' || broke;
          const expect = expected(point, report.variantName);
          report.point = { file: point.file, title: point.title, source: point.source, ...(expect ? { expect } : {}), observed: broke ? 'sometimes' : complete ? 'never' : 'unknown' };
        }
        // Loaded code that failed ended the run: its partial report, then the error, exit 2.
        const code = () => {
          if (report.loadedError === undefined) return exitCode(report);
          io.err(`luocheck: ${report.loadedError}\n`);
          return 2;
        };
        if (check.outs.length === 0) {
          io.out(render(report, check.format, models));
          return code();
        }
        const lines = [renderText(report).split('\n')[0]!];
        check.outs.forEach((o, i) => {
          const format = check.formats[i] ?? check.format;
          writeOut(o, render(report, format, models));
          lines.push(`  ${format} report written to ${o}`);
        });
        io.out(check.outs.length === 1 && check.format === 'text' ? renderText(report) : lines.join('\n') + '\n');
        return code();
      }
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`luocheck: ${e.message}\n`);
      return 2;
    }
    const err = e as Error;
    io.err(`luocheck: internal error: ${err?.message ?? String(e)}\n`);
    if (process.env['LUOCHECK_DEBUG']) io.err(`${err?.stack}\n`);
    return 4;
  }
}

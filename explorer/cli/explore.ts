/**
 * `luocheck explore [--model M] [--scope S] [--variant V] [--set K=V]...
 * [--invariant ID,...] [--load FILE]... [--port N] [TRACE]`: a local web
 * server (127.0.0.1 only; a free port unless --port) with a page to walk the
 * state space, as Stateright's Explorer does: the current state as a tree,
 * the enabled actions (label, process and kernel function) to click, back
 * and forward, every invariant's verdict on the current state and on the
 * step into it, the path in the address (shareable), and a loaded trace to
 * step through. The model, scope, variant and --load files resolve as for
 * `check`; with TRACE (a JSON report or an ITF trace), as for `replay`: the
 * model the trace was produced on.
 *
 * A position is a path: the index of the initial state, then the index of
 * each action among the enabled actions of the state before it (the order
 * the engine contract fixes). The server is stateless: each request
 * replays its path.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs, type CheckArgs } from './args.js';
import { diff } from '../traces/diff.js';
import { UsageError } from '../errors.js';
import type { Invariant } from '../invariant.js';
import { parseTraceFile } from '../traces/itf-read.js';
import { withLoaded } from './load.js';
import type { Model } from '../model.js';
import { readJsonFile, resolve, resolveInvariants, resolveSaved } from './resolve.js';
import type { AnyModelSpec, Variant } from '../spec.js';
import { explorePage, type ExploreInfo } from './explore-page.js';
import { esc, stateTree } from '../render/html-parts.js';
import { MODELS, DEFAULT_MODEL } from '../../model/registry.js';

type M = Model<unknown, unknown>;
type Inv = Invariant<unknown, unknown>;

export interface Explorer {
  readonly model: M;
  readonly invariants: readonly Inv[];
  readonly info: ExploreInfo;
}

/** The model, invariants and trace of an explore command line (bad input: a UsageError). */
export function setUpExplorer(a: CheckArgs, trace: string | undefined, models: readonly AnyModelSpec[] = MODELS): Explorer {
  models = withLoaded(models, a.loads ?? []);
  let spec: AnyModelSpec, scopeName: string, variantName: string, variant: Variant, model: M, all: readonly Inv[];
  let saved: ReturnType<typeof parseTraceFile> | undefined;
  if (trace !== undefined) {
    for (const [flag, given] of [['--model', a.model], ['--scope', a.scope], ['--variant', a.variant]] as const) {
      if (given !== undefined) throw new UsageError(`${flag} with a trace: the trace ${JSON.stringify(trace)} names its own model, scope and variant`);
    }
    if (a.sets.length > 0) throw new UsageError(`--set with a trace: the trace ${JSON.stringify(trace)} names its own variant`);
    saved = parseTraceFile(readJsonFile(trace, 'trace file'), undefined);
    const r = resolveSaved(models, saved, 'trace');
    ({ spec, variant } = r);
    scopeName = saved.scope;
    variantName = Object.entries(spec.presets).find(([, p]) => Object.entries(p as Variant).every(([k, v]) => variant[k] === v))?.[0] ?? 'custom';
    model = spec.build(r.scope, variant);
    all = resolveInvariants(spec.invariants(r.scope, variant), a.invariants);
  } else {
    const r = resolve(models, DEFAULT_MODEL, a);
    ({ spec, scopeName, variantName, variant, model } = r);
    all = r.invariants;
  }
  const fixed = spec.presets['fixed'] as Variant | undefined;
  const info: ExploreInfo = {
    model: spec.name,
    scope: scopeName,
    variantName,
    fromFixed: fixed ? Object.entries(variant).filter(([k, v]) => fixed[k] !== v).map(([k, v]) => `${k}=${v}`) : [],
    invariants: all.map((i) => ({ id: i.id, title: i.title, kind: i.kind, source: i.source })),
  };
  if (saved !== undefined) info.trace = { file: trace!, invariant: saved.invariant, steps: saved.steps.slice(1).map((s) => ({ process: s.process, action: s.action })), path: tracePath(model, saved.steps, trace!) };
  return { model, invariants: all, info };
}

/** The path of a saved trace: its steps matched by process and label, as `replay` does. */
function tracePath(model: M, steps: readonly { process: string; action: string; state?: unknown }[], file: string): number[] {
  const inits = model.initStates();
  const first = steps[0]?.state;
  const init = first === undefined ? 0 : inits.findIndex((x) => diff(model.toJson(x), first).length === 0);
  if (init < 0) throw new UsageError(`trace ${JSON.stringify(file)}: no initial state of the model equals the trace's`);
  const path = [init];
  let s: unknown = inits[init];
  for (let i = 1; i < steps.length; i++) {
    const st = steps[i]!;
    const acts = model.actions(s);
    const k = acts.findIndex((x) => model.process(x) === st.process && model.label(x) === st.action);
    if (k < 0) throw new UsageError(`trace ${JSON.stringify(file)}: step ${i} "${st.process}: ${st.action}" is not enabled on the current model`);
    path.push(k);
    s = model.nextState(s, acts[k]);
  }
  return path;
}

export interface Verdict {
  id: string;
  kind: string;
  /** holds, violated, or not-judged (a progress invariant off a terminal or quiescent state; a step invariant at the start). */
  verdict: 'holds' | 'violated' | 'not-judged';
  message?: string;
}

export interface Position {
  path: number[];
  depth: number;
  /** The step into this state (undefined at an initial state). */
  step?: { process: string; label: string; kind: string; pc?: string };
  /** Every step of the path, from the first. */
  trail: { process: string; label: string }[];
  changes: { path: string; before: unknown; after: unknown }[];
  state: unknown;
  stateHtml: string;
  actions: { index: number; process: string; label: string; kind: string; pc?: string }[];
  verdicts: Verdict[];
  /** A state without enabled actions, and whether the model accepts it as an end. */
  terminal: boolean;
  deadlock: boolean;
}

/** Parses "0.3.1" (the initial state's index, then action indices). */
export function parsePath(text: string | null): number[] {
  if (text === null || text === '') return [0];
  if (!/^\d+(\.\d+)*$/.test(text)) throw new UsageError(`path ${JSON.stringify(text)}: expected numbers joined by dots, e.g. 0.3.1`);
  return text.split('.').map(Number);
}

/** The position at `path`, every invariant judged on it. */
export function positionAt(ex: Explorer, path: readonly number[]): Position {
  const { model } = ex;
  const inits = model.initStates();
  let s = inits[path[0]!];
  if (s === undefined) throw new UsageError(`path: no initial state #${path[0]} (the model has ${inits.length})`);
  let prev: unknown, last: unknown;
  const trail: { process: string; label: string }[] = [];
  for (let i = 1; i < path.length; i++) {
    const acts = model.actions(s);
    const a = acts[path[i]!];
    if (a === undefined) throw new UsageError(`path: step ${i} names action #${path[i]}, but ${acts.length} are enabled there`);
    prev = s;
    last = a;
    trail.push({ process: model.process(a), label: model.label(a) });
    s = model.nextState(s, a);
  }
  const acts = model.actions(s);
  const terminal = acts.length === 0;
  const quiescent = terminal || (model.isQuiescent?.(s) ?? false);
  const verdicts = ex.invariants.map((inv): Verdict => {
    let msg: string | null;
    if (inv.kind === 'state') msg = inv.check(s);
    else if (inv.kind === 'step') {
      if (path.length < 2) return { id: inv.id, kind: inv.kind, verdict: 'not-judged', message: 'no step taken yet' };
      msg = inv.check(prev, last, s);
    } else {
      if (!quiescent) return { id: inv.id, kind: inv.kind, verdict: 'not-judged', message: 'judged on terminal or quiescent states only' };
      msg = inv.check(s);
    }
    return msg === null ? { id: inv.id, kind: inv.kind, verdict: 'holds' } : { id: inv.id, kind: inv.kind, verdict: 'violated', message: msg };
  });
  const state = model.toJson(s);
  const changes = path.length < 2 ? [] : diff(model.toJson(prev), state);
  const describeAction = (a: unknown) => {
    const pc = model.actionStep?.(a);
    return { process: model.process(a), label: model.label(a), kind: model.actionKind ? model.actionKind(a) : model.label(a), ...(pc !== undefined ? { pc } : {}) };
  };
  const pos: Position = {
    path: [...path],
    depth: path.length - 1,
    trail,
    changes: changes.map((c) => ({ path: c.path, before: c.before, after: c.after })),
    state,
    stateHtml: stateTree(state, new Set(changes.map((c) => c.path))),
    actions: acts.map((a, index) => ({ index, ...describeAction(a) })),
    verdicts,
    terminal,
    deadlock: terminal && model.isValidEnd !== undefined && !model.isValidEnd(s),
  };
  if (path.length >= 2) {
    const d = describeAction(last);
    pos.step = { process: d.process, label: d.label, kind: d.kind, ...(d.pc !== undefined ? { pc: d.pc } : {}) };
  }
  return pos;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

function handle(ex: Explorer, page: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method !== 'GET') return send(res, 405, 'text/plain; charset=utf-8', 'GET only\n');
  try {
    if (url.pathname === '/') return send(res, 200, 'text/html; charset=utf-8', page);
    if (url.pathname === '/api/info') return send(res, 200, 'application/json', JSON.stringify(ex.info));
    if (url.pathname === '/api/state') return send(res, 200, 'application/json', JSON.stringify(positionAt(ex, parsePath(url.searchParams.get('path')))));
    return send(res, 404, 'text/plain; charset=utf-8', `no such page: ${esc(url.pathname)}\n`);
  } catch (e) {
    if (e instanceof UsageError) return send(res, 400, 'application/json', JSON.stringify({ error: e.message }));
    return send(res, 500, 'application/json', JSON.stringify({ error: `internal error: ${(e as Error)?.message ?? String(e)}` }));
  }
}

/** Serves `ex` on 127.0.0.1; resolves once listening, with the address and a close that ends open connections. */
export function serveExplorer(ex: Explorer, port = 0): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const page = explorePage(ex.info);
  const server = createServer((req, res) => handle(ex, page, req, res));
  return new Promise((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(e.code === 'EADDRINUSE' ? new UsageError(`--port ${port}: the port is in use on 127.0.0.1; give another, or none for a free one`) : e));
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address() as AddressInfo;
      const close = () =>
        new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
      ok({ url: `http://127.0.0.1:${p}/`, server, close });
    });
  });
}

/** The `luocheck explore` program: serves until SIGINT, then stops cleanly (exit 0); bad input exits 2. */
export async function exploreMain(argv: readonly string[]): Promise<void> {
  let served: Awaited<ReturnType<typeof serveExplorer>>;
  let ex: Explorer;
  try {
    const { positional, check } = parseArgs(argv);
    ex = setUpExplorer(check, positional[0]);
    served = await serveExplorer(ex, check.port ?? 0);
  } catch (e) {
    process.stderr.write(e instanceof UsageError ? `luocheck: ${e.message}\n` : `luocheck: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 4;
    return;
  }
  const { info } = ex;
  const variant = info.fromFixed.length ? `${info.variantName}: ${info.fromFixed.join(', ')}` : info.variantName;
  const trace = info.trace ? `, trace ${info.trace.file} (${info.trace.steps.length} steps)` : '';
  process.stdout.write(`luocheck explore: ${info.model} ${info.scope} (${variant})${trace}\n  serving on ${served.url}  (127.0.0.1 only; Ctrl-C stops)\n`);
  process.once('SIGINT', () => {
    void served.close().then(() => {
      process.stdout.write('luocheck explore: stopped\n');
      process.exitCode = 0;
    });
  });
}

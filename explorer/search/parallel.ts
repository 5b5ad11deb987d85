/**
 * Parallel exhaustive search on worker_threads, with the same result as the
 * sequential search for any number of workers: the same distinct states and
 * transitions, the same verdict, and the same (shortest) counterexample.
 *
 * Level by level, the frontier (packed states in SharedArrayBuffers) is cut
 * into batches, and every thread — the workers and this one — takes batches,
 * generates their successors, checks invariants, and inserts the successors'
 * fingerprints into the shared visited table itself, each with a claim: the
 * smallest id of a state that reached it (explorer/search/concurrent-visited.ts).
 * No thread inserts for the others. Once the level is expanded, the claims
 * say which source reached each new state first in (source, action) order —
 * exactly the order of the sequential search — and this thread walks the
 * batches in that order, handing out ids and parent links and applying
 * findings and witnesses, so state ids, traces and the first violation are
 * those the sequential search finds (explorer/search/parallel-protocol.ts
 * has the rounds of a level). The main thread stays synchronous: it sleeps
 * on an Atomics counter and reads the workers' replies with
 * receiveMessageOnPort.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { ExploreOptions, ExploreResult } from './bfs.js';
import { PackedFrontier } from './frontier.js';
import { WORKER_CODE_RANGE_MB } from './limits.js';
import type { Invariant } from '../invariant.js';
import type { Model } from '../model.js';
import { LoadedCodeError, UsageError } from '../errors.js';
import { MARK_SLOTS, loadedCalls } from './loaded-calls.js';
import { FREE, TAKEN, type BatchFinding, type BatchResult, type ExpandRound, type ModelSource, type RoundReply } from './parallel-protocol.js';
import { BatchExpander } from './batch.js';
import { SearchRun } from './search-run.js';
import { ConcurrentVisitedSet } from './concurrent-visited.js';

/**
 * How much of a core the rest of the machine may use for the core still to
 * count as idle (see workersForLoad).
 */
export const IDLE_SLACK = 0.25;

/**
 * The default number of workers on `cores` cores under a 1-minute load
 * average of `load1`: the cores the load leaves idle, a core counting as idle
 * when at least three quarters of it is, at least 1 and at most `cores`.
 *
 * Two workers use 1.3-1.6 times the CPU time of one on this engine (the
 * insert thread and each thread's garbage collection: `ci` 11.4-13.3 s of CPU
 * with one worker, 17.2-18.0 s with two; objtable large 15.3-15.6 s against
 * 19.5-23.9 s), so a second worker pays only on a core that is nearly free:
 * on 2 cores shared with other work (load average 3-9), two workers took
 * 1.1-1.3 times one worker's time (medians of 3). On 2 cores that is two
 * workers up to a load of 0.25 and one above it; on 8 cores under a load of
 * 2.2, six. The load average is the last minute's, so a run that starts just
 * after another luocheck run sees that run's load too, and takes fewer
 * workers rather than more.
 */
export function workersForLoad(cores: number, load1: number): number {
  const load = Number.isFinite(load1) && load1 > 0 ? load1 : 0;
  return Math.max(1, Math.min(cores, Math.floor(cores - load + IDLE_SLACK)));
}

/**
 * The default number of workers of this machine now (workersForLoad). Where
 * there is no load average (Windows reports 0), every core.
 */
export function defaultWorkers(): number {
  return workersForLoad(availableParallelism(), loadavg()[0] ?? 0);
}

/**
 * The worker script: beside this file in the build; when this file runs from
 * its TypeScript source (the tests), the built copy in dist/.
 */
export function defaultWorkerUrl(): URL {
  const url = import.meta.url.endsWith('.ts')
    ? new URL('../../dist/explorer/search/bfs-worker.js', import.meta.url)
    : new URL('./bfs-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(url))) throw new Error(`the worker script ${fileURLToPath(url)} is missing: run npm run build`);
  return url;
}

/**
 * Source states per batch: enough batches for every thread to take several
 * (a thread slowed by other work then takes fewer), at most 2048 a batch.
 */
export function batchSize(states: number, threads: number): number {
  return Math.max(64, Math.min(2048, Math.ceil(states / (threads * 8))));
}

interface Pool {
  ports: MessagePort[];
  workers: Worker[];
  signal: Int32Array;
}

function startPool(n: number, source: ModelSource, workerUrl: URL): Pool {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  for (let w = 0; w < n; w++) {
    const { port1, port2 } = new MessageChannel();
    workers.push(
      new Worker(workerUrl, {
        workerData: { source, port: port2, signal, ...(loadedCalls.marks && w + 1 < MARK_SLOTS ? { marks: loadedCalls.marks, slot: w + 1 } : {}) },
        transferList: [port2],
        // A small young generation keeps each worker's garbage (decoded and
        // successor states) from growing the resident set.
        // A small code range keeps each worker's address space small
        // (V8 reserves it up front), so the search fits under `prlimit --as`.
        resourceLimits: { maxYoungGenerationSizeMb: 4, codeRangeSizeMb: WORKER_CODE_RANGE_MB },
      }),
    );
    ports.push(port1);
  }
  return { ports, workers, signal };
}

function stopPool(p: Pool): void {
  for (const port of p.ports) port.close();
  for (const w of p.workers) void w.terminate();
}

/**
 * Waits (synchronously) for the next reply of worker w. Replies of one worker
 * arrive in the order of its requests. The worker posts before it bumps the
 * counter, so a reply that lands after a failed receive changes the counter
 * and ends the wait at once.
 */
function nextReply(p: Pool, w: number): RoundReply {
  for (;;) {
    const cur = Atomics.load(p.signal, 0);
    const m = receiveMessageOnPort(p.ports[w]!);
    if (m) {
      const res = m.message as RoundReply;
      if (res.error !== undefined) throw res.loaded ? new LoadedCodeError(res.error) : res.usage ? new UsageError(res.error) : new Error(`worker ${w}: ${res.error}`);
      return res;
    }
    Atomics.wait(p.signal, 0, cur, 60_000);
  }
}

/** A batch lost or misread: a bug of the search, never a verdict. */
function lost(what: string): Error {
  return new Error(`parallel search lost states: ${what}`);
}

/** How the parallel search runs (the tests set these to reach its rarer paths). */
export interface ParallelTuning {
  /** Whether a thread done with its own batches takes others' (off: batch b goes to thread b % workers). Default on. */
  readonly steal?: boolean;
  /** The visited table's first capacity. Default 65,536. */
  readonly initialCapacity?: number;
  /** Whether each level first grows the table for the new states it guesses (off: only when a round finds it full). Default on. */
  readonly reserve?: boolean;
}

export function exploreParallel<S, A>(
  model: Model<S, A>,
  invariants: readonly Invariant<S, A>[],
  source: ModelSource,
  workers: number,
  opts: ExploreOptions = {},
  workerUrl: URL = defaultWorkerUrl(),
  tuning: ParallelTuning = {},
): ExploreResult<S, A> {
  const { steal = true, initialCapacity = 1 << 16, reserve = true } = tuning;
  if (!model.decode) throw new Error('parallel search needs a model that decodes its encoding');
  const decode = model.decode.bind(model);
  const visited = new ConcurrentVisitedSet(initialCapacity);
  const run = new SearchRun(model, invariants, opts, visited, new PackedFrontier(decode, true), new PackedFrontier(decode, true));
  const { checker } = run;
  const cov = opts.coverage;
  // This thread takes batches too, so N workers are N - 1 threads plus this one.
  const pool = startPool(workers - 1, source, workerUrl);
  // A search ended from outside runs no `finally`: it releases the pool this way (explorer/search/stoppable.ts).
  if (opts.partial) opts.partial.release = () => stopPool(pool);
  const self = new BatchExpander(model, invariants);
  const me = workers - 1;
  /** New states per source state in the last level. */
  let growth = 1;
  try {
    search: while (run.frontier.length > 0 && !run.atDepthBound()) {
      const frontier = run.frontier as PackedFrontier<S>;
      const next = run.beginLevel() as PackedFrontier<S>;
      const { bytes, ends } = frontier.view();
      const { length } = frontier;
      const { levelStart } = run;
      const batch = batchSize(length, workers);
      const batches = Math.ceil(length / batch);
      const taken = new Int32Array(new SharedArrayBuffer(4 * batches));
      const low = new Int32Array(new SharedArrayBuffer(4));
      const violated = [...checker.violated];
      // Room for as many new states per source as the last level had (a
      // guess: a level that needs more grows the table in a second round).
      if (reserve) visited.reserve(Math.ceil(length * growth));
      // Expand rounds: every thread takes batches and inserts their
      // successors into the table, until every batch is expanded. A round
      // that finds the table full leaves the batches it could not finish
      // for the next, after the table has grown.
      let expanded = 0;
      for (;;) {
        const table = visited.beginRound();
        const round = (w: number): ExpandRound => ({ kind: 'expand', table, bytes, ends, length, levelStart, batch, taken, low, me: w, threads: workers, steal, violated, ...(cov ? { coverage: true } : {}) });
        for (let w = 0; w < me; w++) pool.ports[w]!.postMessage(round(w));
        expanded += self.expandRound(round(me)).length;
        for (let w = 0; w < me; w++) expanded += nextReply(pool, w).expanded!.length;
        if (!visited.full) break;
        for (let b = 0; b < batches; b++) if (taken[b] === TAKEN) taken[b] = FREE;
        visited.grow();
      }
      if (expanded !== batches) throw lost(`depth ${run.depth}: ${expanded} of the ${batches} batches were expanded`);
      // The own round: each thread marks which of its successors are new.
      const table = visited.claimTable();
      for (let w = 0; w < me; w++) pool.ports[w]!.postMessage({ kind: 'own', table, levelStart });
      const results: (BatchResult | undefined)[] = new Array(batches);
      for (const r of self.own({ kind: 'own', table, levelStart })) results[r.batch] = r;
      for (let w = 0; w < me; w++) for (const r of nextReply(pool, w).results!) results[r.batch] = r;
      // The batches in order: ids, parent links, findings and witnesses as the sequential search gives them.
      let sources = 0;
      for (let b = 0; b < batches; b++) {
        const res = results[b];
        if (res === undefined) throw lost(`batch ${b} of depth ${run.depth} came back from no thread`);
        const hitsAt = new Map<number, number[]>();
        const ws = res.witnesses;
        for (let j = 0; j < ws.length; j += 3) {
          const key = ws[j + 1]! * 65536 + (ws[j + 2]! + 1);
          (hitsAt.get(key) ?? hitsAt.set(key, []).get(key)!).push(ws[j]!);
        }
        const at = new Map<number, BatchFinding[]>();
        for (const f of res.findings) {
          const key = f.src * 65536 + (f.k + 1);
          (at.get(key) ?? at.set(key, []).get(key)!).push(f);
        }
        const { out } = res;
        const keyIds = cov ? res.keys!.map((k) => cov.intern(k)) : [];
        let pos = 0;
        /** New states of the batch so far; their packed words go to the next level at the end of the batch, or where the search stops. */
        let fresh = 0;
        const flush = () => next.appendPacked(res.packed, res.ends, fresh);
        const to = Math.min(length, (b + 1) * batch);
        // Every word of the reply is read, and no more: a reply for fewer (or
        // other) source states than the batch must not pass as states without successors.
        const short = () => lost(`batch ${b} of depth ${run.depth} (states ${b * batch}..${to - 1}) returned ${out.length} words and ${pos} were read`);
        for (let i = b * batch; i < to; i++) {
          sources++;
          const id = levelStart + i;
          if (pos >= out.length) throw short();
          const m = out[pos++]!;
          if (run.recordAll(at.get(i * 65536) ?? [], id)) {
            flush();
            break search;
          }
          for (let k = 0; k < m; k++) {
            run.transitions++;
            const hits = hitsAt.size > 0 ? hitsAt.get(i * 65536 + k + 1) : undefined;
            if (hits) for (const w of hits) checker.markReached(w);
            const fs = at.size > 0 ? at.get(i * 65536 + k + 1) : undefined;
            if (fs) {
              for (const f of fs) {
                if (run.record(f, [...visited.pathTo(id), k])) {
                  flush();
                  break search;
                }
              }
            }
            const key = cov ? keyIds[out[pos++]!]! : -1;
            if (pos >= out.length) throw short();
            const flag = out[pos++]!;
            if (cov) cov.count(key, flag === 1);
            if (flag === 1) {
              visited.link(id, k);
              fresh++;
              if (run.overStates()) {
                flush();
                break search;
              }
            }
          }
        }
        if (fresh !== res.ends.length) throw lost(`batch ${b} of depth ${run.depth} (states ${b * batch}..${to - 1}) marked ${fresh} new states and returned ${res.ends.length}`);
        flush();
        if (pos !== out.length) throw short();
        if (run.poll()) break search;
      }
      if (sources !== length) throw lost(`depth ${run.depth}: ${sources} of the ${length} frontier states were expanded`);
      if (visited.used !== visited.size) throw lost(`depth ${run.depth}: the workers inserted ${visited.used} states and ${visited.size} got an id`);
      growth = next.length / length;
      run.endLevel(next);
    }
  } catch (e) {
    run.stopOnLoadedError(e);
  } finally {
    stopPool(pool);
  }

  return run.result();
}

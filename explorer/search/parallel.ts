/**
 * Parallel exhaustive search on worker_threads, with the same result as the
 * sequential search for any number of workers: the same distinct states and
 * transitions, the same verdict, and the same (shortest) counterexample.
 *
 * Level by level, the frontier (packed states in SharedArrayBuffers) is cut
 * into batches; the workers generate successors, check invariants and
 * fingerprint them, probing the shared visited table read-only. The main
 * thread then inserts the candidates in (source, action) order — exactly the
 * order of the sequential search — so state ids, parent links and the first
 * violation are those the sequential search finds. The main thread stays
 * synchronous: it sleeps on an Atomics counter and reads the workers' replies
 * with receiveMessageOnPort.
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
import type { BatchFinding, BatchRequest, BatchResult, ModelSource } from './parallel-protocol.js';
import { BatchExpander, newInt32, withRoom } from './batch.js';
import { SearchRun } from './search-run.js';
import { VisitedSet, keep, warm } from './visited.js';

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

/** Source states per batch, at most. */
const BATCH = 2048;
/** Source states per batch, at least (but for a level's last batch). */
const MIN_BATCH = 64;
/**
 * Towards a level's end a batch takes 1 / (TAIL × workers) of the states
 * not yet handed out (guided scheduling): the batches a worker still has
 * queued when every state is handed out are small, so the threads reach the
 * level's end together instead of this one waiting on a worker's queue.
 */
const TAIL = 4;

/** The end of the batch that starts at source state `from` of a level of n states, with `workers` threads expanding (guided: see TAIL). */
export function batchEnd(n: number, from: number, workers: number): number {
  return Math.min(n, from + Math.min(BATCH, Math.max(MIN_BATCH, Math.ceil((n - from) / (TAIL * workers)))));
}
/** New states whose slots in the table are read together, a group ahead of their inserts (see exploreParallel). */
const WARM = 32;

/**
 * Batches each worker has been sent and not yet answered, so that it works
 * on while this thread expands a batch of its own or inserts.
 */
const IN_FLIGHT = 3;

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
        // A young generation of 16 MB: each worker's garbage (decoded and
        // successor states) dies young. With 4 MB a worker spent 8-9% of its
        // time collecting, with 16 MB 4.5%, for about 10 MB more resident
        // (deep, 2,000,000 states, two workers); 32 MB gains no more.
        // A small code range keeps each worker's address space small
        // (V8 reserves it up front), so the search fits under `prlimit --as`.
        resourceLimits: { maxYoungGenerationSizeMb: 16, codeRangeSizeMb: WORKER_CODE_RANGE_MB },
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

/** The next reply of worker w if it has come, else undefined. Replies of one worker arrive in the order of its requests. */
function replyOf(p: Pool, w: number): BatchResult | undefined {
  const m = receiveMessageOnPort(p.ports[w]!);
  if (!m) return undefined;
  const res = m.message as BatchResult;
  if (res.error !== undefined) throw res.loaded ? new LoadedCodeError(res.error) : res.usage ? new UsageError(res.error) : new Error(`worker ${w}: ${res.error}`);
  return res;
}

/**
 * Waits (synchronously) for the next reply of worker w. The worker posts
 * before it bumps the counter, so a reply that lands after a failed receive
 * changes the counter and ends the wait at once.
 */
function nextReply(p: Pool, w: number): BatchResult {
  for (;;) {
    const cur = Atomics.load(p.signal, 0);
    const res = replyOf(p, w);
    if (res) return res;
    Atomics.wait(p.signal, 0, cur, 60_000);
  }
}

/** A batch lost or misread: a bug of the search, never a verdict. */
function lost(what: string): Error {
  return new Error(`parallel search lost states: ${what}`);
}

export function exploreParallel<S, A>(
  model: Model<S, A>,
  invariants: readonly Invariant<S, A>[],
  source: ModelSource,
  workers: number,
  opts: ExploreOptions = {},
  workerUrl: URL = defaultWorkerUrl(),
): ExploreResult<S, A> {
  if (!model.decode) throw new Error('parallel search needs a model that decodes its encoding');
  const decode = model.decode.bind(model);
  const visited = new VisitedSet(1 << 16, true);
  const run = new SearchRun(model, invariants, opts, visited, new PackedFrontier(decode, true), new PackedFrontier(decode, true));
  const { checker } = run;
  const cov = opts.coverage;
  // This thread expands batches too, so N workers are N - 1 threads plus
  // this one, which would otherwise sleep between replies.
  const pool = startPool(workers - 1, source, workerUrl);
  // A search ended from outside runs no `finally`: it releases the pool this way (explorer/search/stoppable.ts).
  if (opts.partial) opts.partial.release = () => stopPool(pool);
  const self = new BatchExpander(model, invariants);
  /** Result buffers inserted and free to be written again (handed to the next batch): streams, and data. */
  const spare: ArrayBuffer[] = [];
  const spareData: ArrayBuffer[] = [];
  /** The byte counts of a run of new states that are copied to the next frontier together (PackedFrontier.pushPacked). */
  let lens: Int32Array<ArrayBuffer> = new Int32Array(1024);
  try {
    search: while (run.frontier.length > 0 && !run.atDepthBound()) {
      const frontier = run.frontier as PackedFrontier<S>;
      const next = run.beginLevel() as PackedFrontier<S>;
      const n = frontier.length;
      const { bytes, ends } = frontier.view();
      // Batch b is the source states [starts[b], starts[b + 1]) (the last
      // one to n), expanded by worker owners[b] or (-1) by this thread.
      // Batches are handed out in order, each worker kept IN_FLIGHT batches
      // ahead; this thread inserts the replies in batch order, and when the
      // reply it needs next has not come it expands the next batch itself
      // rather than wait, so it waits only once every batch of the level is
      // handed out.
      const owners: number[] = [];
      const starts: number[] = [];
      /** The first source state not yet handed out. */
      let handed = 0;
      /** Replies received (or expanded here) and not yet inserted, by batch. */
      const ready: (BatchResult | undefined)[] = [];
      /** Per worker, its batches not yet received, oldest first. */
      const queued: number[][] = pool.ports.map(() => []);
      /** The request for the next batch, handed to `owner`. */
      const handOut = (owner: number): BatchRequest => {
        const from = handed;
        handed = batchEnd(n, from, workers);
        owners.push(owner);
        starts.push(from);
        const reuse = spare.pop();
        const reuseData = spareData.pop();
        return { table: visited.view(), bytes, ends, from, to: handed, violated: [...checker.violated], ...(cov ? { coverage: true } : {}), ...(reuse ? { reuse } : {}), ...(reuseData ? { reuseData } : {}) };
      };
      /** Takes the replies that have come, and tops every worker up to IN_FLIGHT batches. */
      const feed = () => {
        for (let w = 0; w < queued.length; w++) {
          const q = queued[w]!;
          for (let res; q.length > 0 && (res = replyOf(pool, w)); ) ready[q.shift()!] = res;
          while (q.length < IN_FLIGHT && handed < n) {
            q.push(owners.length);
            const req = handOut(w);
            pool.ports[w]!.postMessage(req, [req.reuse, req.reuseData].filter((b) => b !== undefined));
          }
        }
      };
      let expanded = 0;
      for (let b = 0; b < owners.length || handed < n; b++) {
        let res: BatchResult | undefined;
        for (;;) {
          feed();
          res = ready[b];
          if (res) break;
          if (handed < n) {
            // With no worker (or every one of them IN_FLIGHT ahead), b itself.
            const own = owners.length;
            ready[own] = self.run(handOut(-1));
            continue;
          }
          const w = owners[b]!;
          res = nextReply(pool, w);
          queued[w]!.shift();
          break;
        }
        ready[b] = undefined;
        const ws = res.witnesses!;
        let hitsAt: Map<number, number[]> | undefined;
        for (let j = 0; j < ws.length; j += 3) {
          const key = ws[j + 1]! * 65536 + (ws[j + 2]! + 1);
          hitsAt ??= new Map();
          (hitsAt.get(key) ?? hitsAt.set(key, []).get(key)!).push(ws[j]!);
        }
        let at: Map<number, BatchFinding[]> | undefined;
        for (const f of res.findings!) {
          const key = f.src * 65536 + (f.k + 1);
          at ??= new Map();
          (at.get(key) ?? at.set(key, []).get(key)!).push(f);
        }
        const out = res.out!;
        const data = res.data!;
        const len = res.length ?? 0;
        // The new states' fingerprints follow the stream. Before the inserts
        // of each group of WARM new states, the table is read for the next
        // group, in a loop of its own (visited.ts: warm): the reads' cache
        // misses overlap, and each insert finds its slot in the cache. (A
        // read just before each insert overlaps little; reading all of a
        // batch's first, more pages than the TLB holds.)
        const warmFrom = (c: number) => {
          const t = visited.view();
          let x = 0;
          for (let w = c; w + 1 < Math.min(out.length, c + 2 * WARM); w += 2) x ^= warm(t, out[w]! >>> 0, out[w + 1]! >>> 0);
          keep(x);
        };
        warmFrom(len);
        /** The first word of the group of fingerprints whose inserts come next: reaching it, the group after it is warmed. */
        let group = len;
        /** The word of `out` with the next new state's fingerprint. */
        let fp = len;
        const keyIds = cov ? res.keys!.map((k) => cov.intern(k)) : [];
        let pos = 0;
        /** The byte of `data` where the next new state's encoding starts. */
        let dataAt = 0;
        /** New states kept and not yet copied to the next frontier: `count` of them, from byte `runFrom` of `data` to `dataAt`. */
        let runFrom = 0;
        let count = 0;
        const from = starts[b]!;
        const to = b + 1 < starts.length ? starts[b + 1]! : handed;
        // A reply for fewer (or other) source states than the batch must not
        // pass as states without successors: every word and byte of it is read.
        const short = () => lost(`batch ${b} of depth ${run.depth} (states ${from}..${to - 1}) returned ${out.length} words and ${data.length} bytes, and ${fp} and ${dataAt} were read`);
        for (let i = from; i < to; i++) {
          expanded++;
          const id = run.levelStart + i;
          if (pos >= len) throw short();
          const m = out[pos++]!;
          if (at) {
            const fs = at.get(i * 65536);
            if (fs && run.recordAll(fs, id)) break search;
          }
          for (let k = 0; k < m; k++) {
            run.transitions++;
            if (hitsAt) {
              const hits = hitsAt.get(i * 65536 + k + 1);
              if (hits) for (const w of hits) checker.markReached(w);
            }
            if (at) {
              const fs = at.get(i * 65536 + k + 1);
              if (fs) for (const f of fs) if (run.record(f, [...visited.pathTo(id), k])) break search;
            }
            const key = cov ? keyIds[out[pos++]!]! : -1;
            if (out[pos++] === 0) {
              if (cov) cov.count(key, false);
              continue;
            }
            if (fp === group) warmFrom((group += 2 * WARM));
            const fresh = visited.insert(out[fp]! >>> 0, out[fp + 1]! >>> 0, id, k) >= 0;
            fp += 2;
            const bytes = out[pos++]!;
            if (cov) cov.count(key, fresh);
            if (fresh) {
              if (count === 0) runFrom = dataAt;
              lens = withRoom(lens, count, 1, newInt32);
              lens[count++] = bytes;
            } else if (count > 0) {
              next.pushPacked(data, runFrom, lens, count);
              count = 0;
            }
            dataAt += bytes;
            if (fresh && run.overStates()) break search;
          }
        }
        if (count > 0) next.pushPacked(data, runFrom, lens, count);
        if (pos !== len || fp !== out.length || dataAt !== data.length) throw short();
        spare.push(out.buffer as ArrayBuffer);
        spareData.push(data.buffer as ArrayBuffer);
        if (run.poll()) break search;
      }
      if (expanded !== frontier.length) throw lost(`depth ${run.depth}: ${expanded} of the ${frontier.length} frontier states were expanded`);
      run.endLevel(next);
    }
  } catch (e) {
    run.stopOnLoadedError(e);
  } finally {
    stopPool(pool);
  }

  return run.result();
}

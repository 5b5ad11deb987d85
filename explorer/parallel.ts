/**
 * Parallel exhaustive search on worker_threads, with the same result as the
 * sequential search for any number of workers: the same distinct states and
 * transitions, the same verdict, and the same (shortest) counterexample.
 *
 * Level by level, the frontier (packed words in SharedArrayBuffers) is cut
 * into batches; the workers generate successors, check invariants and
 * fingerprint them, probing the shared visited table read-only. The main
 * thread then inserts the candidates in (source, action) order — exactly the
 * order of the sequential search — so state ids, parent links and the first
 * violation are those the sequential search finds. The main thread stays
 * synchronous: it sleeps on an Atomics counter and reads the workers' replies
 * with receiveMessageOnPort.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { ExploreOptions, ExploreResult, Progress, Violation } from './bfs.js';
import { Checker, type Finding } from './checker.js';
import { collisionProbability, Encoder } from './fingerprint.js';
import { PackedFrontier } from './frontier.js';
import type { Invariant } from './invariant.js';
import type { Model } from './model.js';
import type { BatchFinding, BatchRequest, BatchResult, ModelSource } from './parallel-protocol.js';
import { replayIndices } from './trace.js';
import { VisitedSet } from './visited.js';

/** The default number of workers: every core. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * The worker script: beside this file in the build; when this file runs from
 * its TypeScript source (the tests), the built copy in dist/.
 */
export function defaultWorkerUrl(): URL {
  const url = import.meta.url.endsWith('.ts')
    ? new URL('../dist/explorer/bfs-worker.js', import.meta.url)
    : new URL('./bfs-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(url))) throw new Error(`the worker script ${fileURLToPath(url)} is missing: run npm run build`);
  return url;
}

/** Source states per worker per round. */
const BATCH = 2048;

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
        workerData: { source, port: port2, signal },
        transferList: [port2],
        // A small young generation keeps each worker's garbage (decoded and
        // successor states) from growing the resident set.
        resourceLimits: { maxYoungGenerationSizeMb: 8 },
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
function nextReply(p: Pool, w: number): BatchResult {
  for (;;) {
    const cur = Atomics.load(p.signal, 0);
    const m = receiveMessageOnPort(p.ports[w]!);
    if (m) {
      const res = m.message as BatchResult;
      if (res.error !== undefined) throw new Error(`worker ${w}: ${res.error}`);
      return res;
    }
    Atomics.wait(p.signal, 0, cur, 60_000);
  }
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
  const start = performance.now();
  const checker = new Checker(model, invariants);
  const visited = new VisitedSet(1 << 16, true);
  const decode = model.decode.bind(model);
  let frontier = new PackedFrontier(decode, true);
  let spare = new PackedFrontier(decode, true);
  const enc = new Encoder();
  const violations: Violation<S, A>[] = [];
  const maxStates = opts.maxStates ?? Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;
  const deadline = opts.timeLimitMs === undefined ? Infinity : start + opts.timeLimitMs;
  let transitions = 0;
  let depth = 0;
  let stoppedBy: string | undefined;
  let lastProgress = start;

  /** Records a finding unless its invariant is already violated; true = stop the search. */
  const record = (f: Finding, path: number[]): boolean => {
    if (checker.violated.has(f.invariant)) return false;
    violations.push({ invariant: f.invariant, kind: f.kind, message: f.message, trace: replayIndices(model, path) });
    checker.violated.add(f.invariant);
    return !opts.continueAfterViolation;
  };

  const inits = model.initStates();
  for (let k = 0; k < inits.length; k++) {
    const s = inits[k]!;
    enc.reset();
    model.encode(s, enc);
    enc.hash();
    if (visited.insert(enc.hi, enc.lo, -1, k) < 0) continue;
    frontier.push(s, enc);
    checker.observe(undefined, undefined, s);
  }

  const progress = (): Progress => ({
    distinctStates: visited.size,
    transitions,
    depth,
    frontier: frontier.length,
    seconds: (performance.now() - start) / 1000,
    visitedBytes: visited.bytes + frontier.bytes + spare.bytes,
    upcomingBytes: visited.upcomingBytes(),
  });

  const pool = startPool(workers, source, workerUrl);
  // Replies still in flight when the search stops early are dropped with the pool.
  const pending = { count: 0 };
  const spareBuffers: ArrayBuffer[][] = Array.from({ length: workers }, () => []);
  let levelStart = 0;
  try {
    search: while (frontier.length > 0) {
      if (depth >= maxDepth) {
        // The last level is checked, not expanded (on this thread: it is one level).
        for (let i = 0; i < frontier.length; i++) {
          const s = frontier.get(i);
          for (const f of checker.visit(s, model.actions(s).length)) if (record(f, visited.pathTo(levelStart + i))) break search;
        }
        stoppedBy = 'depth';
        break;
      }
      const next = spare;
      next.clear();
      // Batches of the level, dealt round-robin; each worker has up to two in
      // flight, so it works while the main thread inserts earlier results.
      const { words, ends } = frontier.view();
      const batches = Math.ceil(frontier.length / BATCH);
      let sent = 0;
      const send = () => {
        const from = sent * BATCH;
        const w = sent % workers;
        const reuse = spareBuffers[w]!.pop();
        const req: BatchRequest = { table: visited.view(), words, ends, from, to: Math.min(frontier.length, from + BATCH), violated: [...checker.violated], ...(reuse ? { reuse } : {}) };
        pool.ports[w]!.postMessage(req, reuse ? [reuse] : []);
        sent++;
      };
      while (sent < batches && sent < 2 * workers) send();
      for (let b = 0; b < batches; b++) {
        const res = nextReply(pool, b % workers);
        pending.count = sent - b - 1;
        if (sent < batches) send();
        const hitsAt = new Map<number, number[]>();
        const ws = res.witnesses!;
        for (let j = 0; j < ws.length; j += 3) {
          const key = ws[j + 1]! * 65536 + (ws[j + 2]! + 1);
          (hitsAt.get(key) ?? hitsAt.set(key, []).get(key)!).push(ws[j]!);
        }
        const at = new Map<number, BatchFinding[]>();
        for (const f of res.findings!) {
          const key = f.src * 65536 + (f.k + 1);
          (at.get(key) ?? at.set(key, []).get(key)!).push(f);
        }
        const out = res.out!;
        let pos = 0;
        const to = Math.min(frontier.length, (b + 1) * BATCH);
        const done = () => spareBuffers[b % workers]!.push(out.buffer as ArrayBuffer);
        for (let i = b * BATCH; i < to; i++) {
          const id = levelStart + i;
          const m = out[pos++]!;
          for (const f of at.get(i * 65536) ?? []) if (record(f, visited.pathTo(id))) break search;
          for (let k = 0; k < m; k++) {
            transitions++;
            const hits = hitsAt.size > 0 ? hitsAt.get(i * 65536 + k + 1) : undefined;
            if (hits) for (const w of hits) checker.markReached(w);
            const fs = at.get(i * 65536 + k + 1);
            if (fs) for (const f of fs) if (record(f, [...visited.pathTo(id), k])) break search;
            if (out[pos++] === 0) continue;
            const hiFp = out[pos++]! >>> 0;
            const loFp = out[pos++]! >>> 0;
            const len = out[pos++]!;
            if (visited.insert(hiFp, loFp, id, k) >= 0) {
              next.pushWords(out.subarray(pos, pos + len));
              if (visited.size > maxStates) {
                stoppedBy = 'max-states';
                break search;
              }
            }
            pos += len;
          }
        }
        done();
        const now = performance.now();
        if (now > deadline) {
          stoppedBy = 'time-limit';
          break search;
        }
        const reason = opts.shouldStop?.(progress());
        if (reason !== undefined) {
          stoppedBy = reason;
          break search;
        }
        if (opts.onProgress && now - lastProgress >= 1000) {
          lastProgress = now;
          opts.onProgress(progress());
        }
      }
      pending.count = 0;
      levelStart += frontier.length;
      spare = frontier;
      frontier = next;
      if (frontier.length > 0) depth++;
    }
  } finally {
    stopPool(pool);
  }

  const seconds = (performance.now() - start) / 1000;
  const incomplete = stoppedBy !== undefined && stoppedBy !== 'depth';
  const result: ExploreResult<S, A> = {
    result: violations.length > 0 ? 'violation' : incomplete ? 'incomplete' : 'ok',
    distinctStates: visited.size,
    transitions,
    depth,
    seconds,
    statesPerSecond: seconds > 0 ? Math.round(visited.size / seconds) : 0,
    collisionProbability: collisionProbability(visited.size),
    violations,
    witnesses: checker.witnesses(),
  };
  if (stoppedBy !== undefined) {
    result.stoppedBy = stoppedBy;
    result.completeDepth = Math.max(0, depth - 1);
    result.frontier = frontier.length;
  }
  return result;
}

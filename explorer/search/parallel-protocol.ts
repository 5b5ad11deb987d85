/**
 * Messages between the parallel search (explorer/search/parallel.ts) and its workers
 * (explorer/search/bfs-worker.ts).
 *
 * Result stream of one batch, per source state in order: the number m of its
 * enabled actions, then per action k: 0 if the successor's fingerprint was
 * already in the table at the start of the batch, or 1 followed by the
 * byte count b of its canonical encoding packed (frontier.ts: packWords);
 * with `coverage`, the action's coverage key number comes first. After the
 * stream (its `length` words), `out` holds the fingerprint (hi, lo) of each
 * new state, in order, so that the search's thread can read the table for
 * all of them before it inserts the first (parallel.ts). The packed
 * encodings are in `data`, back to back in the same order.
 */
import type { Finding } from './checker.js';
import type { Variant } from '../spec.js';
import type { TableView } from './visited.js';

/** What a worker needs to build the same model and invariants as the main thread. */
export interface ModelSource {
  /**
   * The URL of a module whose buildFromSource(source) builds the model and
   * invariants in a worker (explorer/cli/model-factory.ts for the command line).
   */
  readonly factory: string;
  readonly modelName: string;
  readonly scope: unknown;
  readonly variant: Variant;
  /** The ids of the invariants to check (undefined: all of the model's). */
  readonly invariantIds?: readonly string[];
  readonly symmetry?: boolean;
  /** The --load files, as the user named them (each worker loads them in the same order). */
  readonly loads?: readonly string[];
  /** The point file of `check POINT-FILE`, loaded after them. */
  readonly point?: string;
}

export interface BatchRequest {
  readonly table: TableView;
  /** The level's states, packed (explorer/search/frontier.ts: unpackWords), and the byte after each. */
  readonly bytes: Uint8Array;
  readonly ends: Int32Array;
  /** Source states [from, to) of the frontier. */
  readonly from: number;
  readonly to: number;
  /** Invariants already violated (with --continue), not to be reported again. */
  readonly violated: readonly string[];
  /** --coverage: put each action's coverage key number (BatchResult.keys) before its 0/1 word. */
  readonly coverage?: boolean;
  /** Result buffers handed back for reuse (transferred), so buffers do not pile up between collections: the stream's, and the data's. */
  readonly reuse?: ArrayBuffer;
  readonly reuseData?: ArrayBuffer;
}

/** A finding at source `src` (frontier index) and action `k` (-1: the source state itself). */
export interface BatchFinding extends Finding {
  readonly src: number;
  readonly k: number;
}

export interface BatchResult {
  /** The stream, then the new states' fingerprints. */
  readonly out?: Int32Array;
  /** The words of the stream. */
  readonly length?: number;
  /** The new states' packed encodings, back to back. */
  readonly data?: Uint8Array;
  readonly findings?: readonly BatchFinding[];
  /**
   * Witnesses this worker reached for the first time, as flat triples
   * (witness index, source, action), so the main thread marks each one at the
   * point of the search where the sequential search would.
   */
  readonly witnesses?: readonly number[];
  /** --coverage: this expander's coverage keys so far, indexed by the numbers in `out`. */
  readonly keys?: readonly string[];
  readonly error?: string;
  /** The error is a UsageError (bad input, e.g. loaded code): exit 2, not "internal error". */
  readonly usage?: boolean;
  /** The error is loaded code's (LoadedCodeError): the search ends with its partial report. */
  readonly loaded?: boolean;
}

/** The buffers a result moves to the search's thread with (transferred, not copied). */
export function transfers(res: BatchResult): ArrayBuffer[] {
  const t: ArrayBuffer[] = [];
  if (res.out) t.push(res.out.buffer as ArrayBuffer);
  if (res.data) t.push(res.data.buffer as ArrayBuffer);
  return t;
}

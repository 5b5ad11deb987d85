/**
 * Messages between the parallel search (explorer/search/parallel.ts) and its workers
 * (explorer/search/bfs-worker.ts).
 *
 * Result stream of one batch, per source state in order: the number m of its
 * enabled actions, then per action k: 0 if the successor's fingerprint was
 * already in the table at the start of the batch, or 1 followed by hi, lo,
 * the byte count b of its canonical encoding packed (frontier.ts:
 * packWords) and ceil(b / 4) words holding those bytes; with `coverage`, the
 * action's coverage key number comes first.
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
  /** A result buffer handed back for reuse (transferred), so buffers do not pile up between collections. */
  readonly reuse?: ArrayBuffer;
}

/** A finding at source `src` (frontier index) and action `k` (-1: the source state itself). */
export interface BatchFinding extends Finding {
  readonly src: number;
  readonly k: number;
}

export interface BatchResult {
  readonly out?: Int32Array;
  readonly length?: number;
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

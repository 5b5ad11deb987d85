/**
 * Messages between the parallel search (explorer/search/parallel.ts) and its workers
 * (explorer/search/bfs-worker.ts).
 *
 * A level takes one or more expand rounds, then one own round:
 * - expand: every thread takes batches of the frontier (its own first, then,
 *   with `steal`, any left) and expands them, inserting each successor's
 *   fingerprint into the shared visited table with its source's claim
 *   (explorer/search/concurrent-visited.ts: claim). It keeps each batch's result until
 *   the own round. A thread that finds the table full drops the batch it is
 *   on; the search grows the table and runs another round for the batches
 *   left.
 * - own: once every batch is expanded, each claim is final: a successor is
 *   new, and gets the next id, where its source is the first in
 *   breadth-first order that reached it. Each thread marks which of its
 *   successors those are and returns its batches.
 *
 * Result stream of one batch (`out`), per source state in order: the number m
 * of its enabled actions, then per action k: with `coverage`, the action's
 * coverage key number; then 0 if the successor is not new, 1 if it is new (its
 * source is the first to reach it), or 2 if an earlier source of this level
 * reached it first. The new states' encodings are in `packed`, in order.
 */
import type { Finding } from './checker.js';
import type { Variant } from '../spec.js';
import type { ClaimTable } from './concurrent-visited.js';

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

/** A batch's state in ExpandRound.taken. */
export const FREE = 0;
export const TAKEN = 1;
export const EXPANDED = 2;

export interface ExpandRound {
  readonly kind: 'expand';
  readonly table: ClaimTable;
  /** The level's states, packed (explorer/search/frontier.ts: unpackWords), and the byte after each. */
  readonly bytes: Uint8Array;
  readonly ends: Int32Array;
  /** The number of states in the level, and the id of its first. */
  readonly length: number;
  readonly levelStart: number;
  /** Source states per batch: batch b is [b * batch, (b + 1) * batch). */
  readonly batch: number;
  /** Per batch, FREE, TAKEN or EXPANDED (shared; a thread takes a batch by compare-and-swap). */
  readonly taken: Int32Array;
  /** [the first batch not yet expanded] (shared): a batch that is it may take its claims as final. */
  readonly low: Int32Array;
  /** This thread's number of `threads`: its own batches are those with b % threads === me. */
  readonly me: number;
  readonly threads: number;
  /** Whether a thread done with its own batches takes others' still free. */
  readonly steal: boolean;
  /** Invariants already violated (with --continue), not to be reported again. */
  readonly violated: readonly string[];
  /** --coverage: put each action's coverage key number (BatchResult.keys) before its flag. */
  readonly coverage?: boolean;
}

export interface OwnRound {
  readonly kind: 'own';
  readonly table: ClaimTable;
  readonly levelStart: number;
}

export type RoundRequest = ExpandRound | OwnRound;

/** A finding at source `src` (frontier index) and action `k` (-1: the source state itself). */
export interface BatchFinding extends Finding {
  readonly src: number;
  readonly k: number;
}

export interface BatchResult {
  /** The batch's number in the level. */
  readonly batch: number;
  readonly out: Int32Array;
  /** The new states' canonical encodings, packed (explorer/search/frontier.ts), back to back; state j ends at ends[j]. */
  readonly packed: Uint8Array;
  readonly ends: Int32Array;
  readonly findings: readonly BatchFinding[];
  /**
   * Witnesses this thread reached for the first time, as flat triples
   * (witness index, source, action), so the main thread marks each one at the
   * point of the search where the sequential search would.
   */
  readonly witnesses: readonly number[];
  /** --coverage: this expander's coverage keys so far, indexed by the numbers in `out`. */
  readonly keys?: readonly string[];
}

export interface RoundReply {
  /** expand: the batches this thread expanded in the round. */
  readonly expanded?: readonly number[];
  /** own: this thread's batches of the level. */
  readonly results?: readonly BatchResult[];
  readonly error?: string;
  /** The error is a UsageError (bad input, e.g. loaded code): exit 2, not "internal error". */
  readonly usage?: boolean;
  /** The error is loaded code's (LoadedCodeError): the search ends with its partial report. */
  readonly loaded?: boolean;
}

/**
 * A search that calls loaded code (--load) may be stuck inside one call that
 * never returns, where it polls no bound. In the command's worker thread
 * (explorer/cli/cli-worker.ts) such a search runs where V8 can end it at any
 * point: inside vm's script runner with a timeout (the time limit and a
 * little more) and breakOnSigint, whose watchdogs terminate what runs and
 * turn it into an exception at the runner's edge. The search keeps a
 * closure that builds its result from what it holds at that moment
 * (`Partial.result`), so the run still ends with a partial report: exit 3,
 * the states explored so far, verdict "incomplete".
 *
 * While such a search runs, Node's SIGINT watchdog owns the signal: the
 * first Ctrl-C ends the search at once, wherever it is (the main thread's
 * handler does not see it; `onStopped` tells the caller, which says so and
 * sets the interrupt flag, so the next Ctrl-C quits at once). The main
 * thread sends one itself when loaded code passes the memory cap
 * (`interruptReason` then says "max-memory").
 */
import vm from 'node:vm';
import { loadedCalls } from '../cli/load.js';

/**
 * Filled by a search with a closure that builds its result as it stands,
 * stopped by `reason`, and what to release when it is ended from outside
 * (no `finally` of the search runs then): its search workers.
 */
export interface Partial<R> {
  result?: (reason: string) => R;
  release?: () => void;
}

export interface StoppableOptions {
  /** End the search this long after it started (its own time limit plus a grace). */
  timeoutMs?: number;
  /** Why a SIGINT ended the search (default "interrupt"). */
  interruptReason?: () => string;
  /**
   * Called once the search was ended from outside, with the reason
   * ("time-limit" or "interrupt") and the loaded function it was inside, if any.
   */
  onStopped?: (reason: string, inside?: string) => void;
}

/** How long after its time limit a search that has not stopped by itself is ended. */
export const STOP_GRACE_MS = 500;

const REASONS: Readonly<Record<string, string>> = {
  ERR_SCRIPT_EXECUTION_TIMEOUT: 'time-limit',
  ERR_SCRIPT_EXECUTION_INTERRUPTED: 'interrupt',
};

export function runStoppable<R>(search: (partial: Partial<R>) => R, opts: StoppableOptions): R {
  const partial: Partial<R> = {};
  const context = vm.createContext({ run: () => search(partial) });
  try {
    return new vm.Script('run()').runInContext(context, {
      breakOnSigint: true,
      // vm takes a 32-bit count of milliseconds; a longer limit (49 days) is no limit here.
      ...(opts.timeoutMs !== undefined && opts.timeoutMs < 2 ** 32 - 1 ? { timeout: Math.max(1, Math.ceil(opts.timeoutMs)) } : {}),
    }) as R;
  } catch (e) {
    let reason = REASONS[(e as { code?: string } | null)?.code ?? ''];
    if (reason === 'interrupt' && opts.interruptReason) reason = opts.interruptReason();
    if (reason === undefined || partial.result === undefined) throw e;
    // The search's workers (a parallel search) are ended with it.
    partial.release?.();
    // A call into loaded code that was ended (here or in a search worker)
    // did not count its return (no `finally` runs when V8 ends a script):
    // count it, so the main thread does not take a thread for one still
    // stuck there.
    const marks = loadedCalls.marks ? new Int32Array(loadedCalls.marks) : loadedCalls.mark;
    let inside: string | undefined;
    for (let k = 0; marks !== undefined && k + 1 < marks.length; k += 2) {
      if (Atomics.load(marks, k) % 2 === 0) continue;
      inside ??= loadedCalls.names[Atomics.load(marks, k + 1)];
      Atomics.add(marks, k, 1);
    }
    opts.onStopped?.(reason, inside);
    return partial.result(reason);
  }
}

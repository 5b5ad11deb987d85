/**
 * Calls into loaded code (--load), counted so that a call that never
 * returns can be told from a busy search and stopped (explorer/cli/cli-thread.ts).
 * Shared by the loader (invariants, module loading) and models that run
 * loaded actions (their guards and effects).
 */
/**
 * Calls into loaded code are counted in a shared word, so the thread that
 * takes SIGINT can tell a search stuck in one call (a loaded `check` that
 * loops) from one that is busy, and stop it: word 0 is odd while a call runs
 * and changes with every call; word 1 is the index, in `names`, of the
 * function running. Unset (the tests, in-process), nothing is counted.
 */
export const loadedCalls: {
  mark?: Int32Array;
  names: string[];
  onNames?: (names: readonly string[]) => void;
  /** The whole shared buffer of marks: two words for the command thread, then two per search worker (MARK_SLOTS in all). */
  marks?: SharedArrayBuffer;
} = { names: [] };

/** Mark slots: the command thread's, then one per search worker. */
export const MARK_SLOTS = 17;

export function nameIndex(name: string): number {
  let i = loadedCalls.names.indexOf(name);
  if (i < 0) {
    i = loadedCalls.names.push(name) - 1;
    loadedCalls.onNames?.(loadedCalls.names);
  }
  return i;
}

/** Runs `f` as a call into loaded code named `name`. */
export function inLoaded<T>(name: number, f: () => T): T {
  const mark = loadedCalls.mark;
  if (mark === undefined) return f();
  Atomics.store(mark, 1, name);
  Atomics.add(mark, 0, 1);
  try {
    return f();
  } finally {
    Atomics.add(mark, 0, 1);
  }
}


/**
 * A user error: bad flag, scope, variant, invariant id or file. The CLI prints
 * its message on one line and exits 2; it never shows a stack trace.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** "a, b or c" — for messages that list the accepted values. */
export function oneOf(values: readonly string[]): string {
  if (values.length === 0) return '(none)';
  if (values.length === 1) return values[0]!;
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** A value in a few words, for an error message: JSON, cut at `max` characters; a function is "a function". */
export function shortValue(x: unknown, max = 60): string {
  if (x === undefined) return 'undefined';
  if (typeof x === 'function') return 'a function';
  try {
    const s = JSON.stringify(x);
    return s === undefined ? String(x) : s.length > max ? `${s.slice(0, max - 3)}...` : s;
  } catch {
    return typeof x;
  }
}

/**
 * Loaded code (--load, a point file) failed while the search ran: it threw,
 * read a field that does not exist, or returned what it may not. A
 * UsageError (exit 2), after which the search ends with the partial report
 * of what it explored so far.
 */
export class LoadedCodeError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'LoadedCodeError';
  }
}

/**
 * Field-by-field differences between two JSON values (Quint's trace diffs):
 * each change is a path and the old and new values; unchanged subtrees are
 * left out.
 */

export interface Change {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function diff(before: unknown, after: unknown, path = ''): Change[] {
  if (before === after) return [];
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((b, i) => diff(b, after[i], `${path}[${i}]`));
  }
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => diff(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: path || '(state)', before, after }];
}

export function show(v: unknown): string {
  return v === undefined ? '-' : JSON.stringify(v);
}

/** "path: old => new" lines. */
export function renderChanges(changes: readonly Change[]): string[] {
  return changes.map((c) => `${c.path}: ${show(c.before)} => ${show(c.after)}`);
}

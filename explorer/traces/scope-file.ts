/**
 * Small validators for scope files: each failure is a UsageError naming the
 * field, the bad value and what is accepted.
 */
import { UsageError, oneOf } from '../errors.js';

export function requireObject(json: unknown, what: string): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UsageError(`${what}: expected a JSON object, got ${describe(json)}`);
  }
  return json as Record<string, unknown>;
}

export function rejectUnknownKeys(o: Record<string, unknown>, known: readonly string[], what: string): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw new UsageError(`${what}: unknown field "${k}"; accepted: ${oneOf(known)}`);
  }
}

export function parseIntField(o: Record<string, unknown>, key: string, min: number, max: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new UsageError(`scope: field "${key}" = ${describe(v)}; expected an integer from ${min} to ${max}`);
  }
  return v;
}

export function parseBoolField(o: Record<string, unknown>, key: string, dflt: boolean): boolean {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new UsageError(`scope: field "${key}" = ${describe(v)}; expected true or false`);
  return v;
}

export function parseEnumField<T extends string>(o: Record<string, unknown>, key: string, values: readonly T[], dflt?: T): T {
  const v = o[key];
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    throw new UsageError(`scope: field "${key}" = ${describe(v)}; expected ${oneOf(values)}`);
  }
  return v as T;
}

/** A short, one-line rendering of a bad value for an error message. */
export function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  s = s.replace(/\s+/g, ' ');
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

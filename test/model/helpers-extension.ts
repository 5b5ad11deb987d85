/**
 * What the tests of the extension API share: a scope with one object of each
 * kind, and the message of an error of a given class that a call throws.
 */
import { expect } from 'vitest';

/** One memfd mapped in one IOAS, one marked HWPT with one device on it, the memfd in the session. */
export const ONE_OF_EACH = {
  iovas: 2,
  memfds: [{ pages: 1, seals: ['SEAL', 'GROW', 'SHRINK'] }],
  ioas: [{ areas: [{ iova: 0, memfd: 0, page: 0 }] }],
  hwpts: [{ ioas: 0, token: 1 }],
  devices: [{ group: 0, hwpt: 0 }],
  session: [{ file: { kind: 'memfd', memfd: 0 }, token: 1 }],
};

/** The message of the error `f` throws, which must be a `cls` (the test fails if it throws none, or another kind). */
export function thrownBy(f: () => unknown, cls: abstract new (...args: never[]) => Error): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    return (e as Error).message;
  }
  throw new Error(`expected a ${cls.name}, got none`);
}

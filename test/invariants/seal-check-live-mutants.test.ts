/**
 * seal-check-live, condition by condition: each part of "fit for
 * preservation now" (sealed, in the session, the pinned folio still the
 * file's page) and the step it watches, on states one field away from the
 * real rejection; and its witness. Written for the mutants of
 * invariants/seal-check-live.ts that its own tests let live.
 */
import { expect, test } from 'vitest';
import type { Action, State } from '../../model/iommufd/state/types.js';
import { find, inv, modelFor, stepCheck, walk } from './helpers.js';

const P = (x: string) => `iommufd_preserve ${x}`;
const MAP = ['IOAS_MAP_FILE M1', 'IOAS_MAP_FILE M2', 'IOAS_MAP_FILE M3', 'IOAS_MAP_FILE M4'];
const SEAL = ['F_ADD_SEALS memfd1 SHRINK|GROW', 'F_ADD_SEALS memfd1 SEAL'];
const TO_CHECK = ['PRESERVE_FD memfd1', P('P0'), P('P1'), P('P2'), P('P3a'), P('P3c_imm')];
const seal = inv('seal-check-live');

/** The cached-seals rejection of a memfd sealed after the map: prev, the check, and its result. */
function rejection(): { s: State; a: Action; n: State } {
  const m = modelFor('cached-seals', { seals: 'cached' });
  const s = walk(m, [...MAP, ...SEAL, ...TO_CHECK]);
  const a = find(m, s, P('P3c_check'));
  const n = m.nextState(s, a);
  expect(n.threads[a.pid]!.pc).toBe('P3c_err');
  return { s, a, n };
}
const withMemfd = (s: State, f: (m: State['memfds'][number]) => State['memfds'][number]): State => ({ ...s, memfds: s.memfds.map((m, i) => (i === 0 ? f(m) : m)) });
const withArea = (s: State, f: (x: State['ioas'][number]['areas'][number]) => State['ioas'][number]['areas'][number]): State => ({
  ...s,
  ioas: s.ioas.map((io, i) => (i === 0 ? { ...io, areas: io.areas.map(f) } : io)),
});

test('the rejection is a violation; with one more file in the session too', () => {
  const { s, a, n } = rejection();
  expect(stepCheck(seal, s, a, n)).toMatch(/seals cached at map time/);
  const more = { ...s, session: { ...s.session, files: [...s.session.files, { file: 100, token: 9 }] } };
  expect(stepCheck(seal, more, a, n)).toMatch(/seals cached at map time/);
});

test('not a violation when the memfd is not in the session (empty, or only another file in it)', () => {
  const { s, a, n } = rejection();
  expect(stepCheck(seal, { ...s, session: { ...s.session, files: [] } }, a, n)).toBeNull();
  expect(stepCheck(seal, { ...s, session: { ...s.session, files: [{ file: 100, token: 9 }] } }, a, n)).toBeNull();
});

test('not a violation when the memfd lacks one of SEAL, GROW, SHRINK now', () => {
  const { s, a, n } = rejection();
  for (const drop of [1, 2, 4]) expect(stepCheck(seal, withMemfd(s, (m) => ({ ...m, seals: m.seals & ~drop })), a, n), `seals without ${drop}`).toBeNull();
});

test('not a violation when the pinned folio is no longer the page (replaced, or the file shrank)', () => {
  const { s, a, n } = rejection();
  const pinned = s.ioas[0]!.areas[0]!;
  expect(pinned.pfn).toBeGreaterThanOrEqual(0);
  expect(stepCheck(seal, withMemfd(s, (m) => ({ ...m, cache: m.cache.map((x) => x + 5) })), a, n)).toBeNull();
  expect(stepCheck(seal, withMemfd(s, (m) => ({ ...m, size: pinned.page })), a, n)).toBeNull();
  // an area with no pinned pages reads no folio: the page no longer matters
  const unpinned = withArea(withMemfd(s, (m) => ({ ...m, cache: m.cache.map((x) => x + 5) })), (x) => ({ ...x, pfn: -1 }));
  expect(stepCheck(seal, unpinned, a, n)).toMatch(/seals cached at map time/);
});

test('every area counts: a second area on an unsealed memfd outside the session makes the rejection right', () => {
  const { s, a, n } = rejection();
  const two: State = {
    ...s,
    memfds: [...s.memfds, { ...s.memfds[0]!, seals: 0, preserved: false }],
    ioas: s.ioas.map((io, i) => (i === 0 ? { ...io, areas: [...io.areas, { ...io.areas[0]!, memfd: 1, iova: io.areas[0]!.iova + 1 }] } : io)),
  };
  expect(stepCheck(seal, two, a, n)).toBeNull();
});

test('only the page check is watched: an -ENOMEM from the domain step on a fit IOAS is not its violation', () => {
  const { s, a, n } = rejection();
  expect(stepCheck(seal, s, { ...a, step: 'P3c_domain' } as Action, n)).toBeNull();
});

test('witness: reached when the check passes on an area sealed after the map, not when sealed before it or rejected', () => {
  const w = seal.witness!;
  const live = modelFor('cached-seals', { seals: 'live' });
  const after = walk(live, [...MAP, ...SEAL, ...TO_CHECK]);
  const a = find(live, after, P('P3c_check'));
  expect(w.reached(after, a, live.nextState(after, a))).toBe(true);
  expect(w.reached(undefined, undefined, after)).toBe(false);
  const before = walk(live, [...SEAL, ...MAP, ...TO_CHECK]);
  const b = find(live, before, P('P3c_check'));
  expect(live.nextState(before, b).threads[b.pid]!.pc).toBe('P3c_domain');
  expect(w.reached(before, b, live.nextState(before, b))).toBe(false);
  const { s, a: rej, n } = rejection();
  expect(w.reached(s, rej, n)).toBe(false);
  // one area sealed after the map is enough, beside one sealed before it
  const mixed: State = { ...after, ioas: after.ioas.map((io, i) => (i === 0 ? { ...io, areas: [...io.areas, { ...io.areas[0]!, seals: after.memfds[0]!.seals, iova: io.areas[0]!.iova + 1 }] } : io)) };
  expect(w.reached(mixed, a, live.nextState(after, a))).toBe(true);
  // another step of the preserve, with the same states around it, is not the check
  expect(w.reached(after, { ...a, step: 'P3c_domain' } as Action, live.nextState(after, a))).toBe(false);
  expect(w.reached(after, { ...a, type: 'iommufd_destroy' } as Action, live.nextState(after, a))).toBe(false);
});

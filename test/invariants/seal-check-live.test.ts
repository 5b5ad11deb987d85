import { expect, test } from 'vitest';
import { find, inv, modelFor, stepCheck, walk } from './helpers.js';

const P = (x: string) => `iommufd_preserve ${x}`;
const SETUP = ['IOAS_MAP_FILE M1', 'IOAS_MAP_FILE M2', 'IOAS_MAP_FILE M3', 'IOAS_MAP_FILE M4', 'F_ADD_SEALS memfd1 SHRINK|GROW', 'F_ADD_SEALS memfd1 SEAL', 'PRESERVE_FD memfd1', P('P0'), P('P1'), P('P2'), P('P3a'), P('P3c_imm')];

test('holds: live seals pass; a rejection of a memfd that really is unsealed is fine', () => {
  const m = modelFor('cached-seals', { seals: 'live' });
  const s = walk(m, SETUP);
  const a = find(m, s, P('P3c_check'));
  expect(m.nextState(s, a).threads[0]!.pc).toBe('P3c_domain');
  expect(stepCheck(inv('seal-check-live'), s, a, m.nextState(s, a))).toBeNull();
  const early = walk(m, ['IOAS_MAP_FILE M1', 'IOAS_MAP_FILE M2', 'IOAS_MAP_FILE M3', 'IOAS_MAP_FILE M4', 'PRESERVE_FD memfd1', P('P0'), P('P1'), P('P2'), P('P3a'), P('P3c_imm')]);
  const b = find(m, early, P('P3c_check'));
  expect(m.nextState(early, b).threads[0]!.pc).toBe('P3c_err');
  expect(stepCheck(inv('seal-check-live'), early, b, m.nextState(early, b))).toBeNull();
});

test('violated: cached seals reject a memfd sealed after the map', () => {
  const m = modelFor('cached-seals', { seals: 'cached' });
  const s = walk(m, SETUP);
  const a = find(m, s, P('P3c_check'));
  expect(stepCheck(inv('seal-check-live'), s, a, m.nextState(s, a))).toMatch(/read seals cached at map time/);
});

test('holds under seals=both: GROW|SHRINK before the map, SEAL after it, and the live check accepts it', () => {
  const m = modelFor('cached-seals');
  const s = walk(m, ['F_ADD_SEALS memfd1 SHRINK|GROW', 'IOAS_MAP_FILE M1', 'IOAS_MAP_FILE M2', 'IOAS_MAP_FILE M3', 'IOAS_MAP_FILE M4', 'F_ADD_SEALS memfd1 SEAL', 'PRESERVE_FD memfd1', P('P0'), P('P1'), P('P2'), P('P3a'), P('P3c_imm')]);
  expect(s.ioas[0]!.areas[0]!.seals).not.toBe(s.memfds[0]!.seals);
  const a = find(m, s, P('P3c_check'));
  expect(m.nextState(s, a).threads[0]!.pc).toBe('P3c_domain');
  expect(stepCheck(inv('seal-check-live'), s, a, m.nextState(s, a))).toBeNull();
});

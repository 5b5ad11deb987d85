import { expect, test } from 'vitest';
import { find, inv, modelFor, stepCheck, walk } from './helpers.js';

const P = (x: string) => `iommufd_preserve ${x}`;
const MAP = ['IOAS_MAP_FILE M1', 'IOAS_MAP_FILE M2'].map((x) => [x, 'T2'] as [string, string]);

test('holds: M3 refused on an immutable IOAS (fill-domains); a NULL-pages area insert is not a mapping', () => {
  const m = modelFor('map-in-flight');
  const s = walk(m, [P('P0'), P('P1'), P('P2'), P('P3a'), P('P3c_imm'), ...MAP]);
  const a = find(m, s, 'IOAS_MAP_FILE M3', 'T2');
  expect(stepCheck(inv('freeze-no-mutation'), s, a, m.nextState(s, a))).toBeNull();
  const pre = walk(m, [P('P0'), P('P1'), P('P2'), P('P3a'), P('P3c_imm'), ['IOAS_MAP_FILE M1', 'T2']]);
  const ins = find(m, pre, 'IOAS_MAP_FILE M2', 'T2');
  expect(stepCheck(inv('freeze-no-mutation'), pre, ins, m.nextState(pre, ins))).toBeNull();
});

test('violated: M3 fills the domain of an immutable IOAS (area-insert)', () => {
  const m = modelFor('map-in-flight', { immutableCheck: 'area-insert' });
  const s = walk(m, [...MAP, P('P0'), P('P1'), P('P2'), P('P3a'), P('P3c_imm')]);
  const a = find(m, s, 'IOAS_MAP_FILE M3', 'T2');
  expect(stepCheck(inv('freeze-no-mutation'), s, a, m.nextState(s, a))).toMatch(/mappings of ioas1 changed/);
});

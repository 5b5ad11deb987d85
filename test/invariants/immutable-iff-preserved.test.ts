import { expect, test } from 'vitest';
import { inv, modelFor, stateCheck, walk, withHwpt } from './helpers.js';

const P = (x: string) => `iommufd_preserve ${x}`;

test('holds while the in-flight HWPT holds its share, and after P3e', () => {
  const m = modelFor('count-race');
  const i = inv('immutable-iff-preserved');
  const s = walk(m, [P('P0'), P('P1'), P('P2'), P('P3a'), P('P3c_imm')]);
  expect(s.ioas[0]!.immutable).toBe(1);
  expect(stateCheck(i, s)).toBeNull();
  expect(stateCheck(i, walk(m, [P('P3c_check'), P('P3c_domain'), P('P3e')], s))).toBeNull();
});

test('violated: an IOAS mutable while a HWPT on it is preserved, or a count that is off', () => {
  const m = modelFor('count-race');
  const s = withHwpt(m.initStates()[0]!, 0, (h) => ({ ...h, preserved: true }));
  expect(stateCheck(inv('immutable-iff-preserved', { immutability: 'flag' }), s)).toMatch(/ioas1 has immutable = 0 while 1/);
  const two = { ...withHwpt(s, 1, (h) => ({ ...h, preserved: true })), ioas: [{ areas: [], immutable: 1 }] };
  expect(stateCheck(inv('immutable-iff-preserved', { immutability: 'flag' }), two)).toBeNull();
  expect(stateCheck(inv('immutable-iff-preserved'), two)).toMatch(/immutable = 1 while 2/);
});

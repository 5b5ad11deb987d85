import { expect, test } from 'vitest';
import { booted } from '../model/helpers-kexec.js';
import { find, inv, stepCheck, walk } from './helpers.js';

test('finish-atomic: a refused FINISH leaves the state as it was; one that changed something is reported', () => {
  const i = inv('finish-atomic', { finish: 'refuse' });
  const { m, s } = booted({ finish: 'refuse' });
  const r = walk(m, ['RETRIEVE_SESSION'], s);
  const a = find(m, r, 'SESSION_FINISH');
  const n = m.nextState(r, a);
  expect(stepCheck(i, r, a, n)).toBeNull();
  const half = { ...n, nk: { ...n.nk, flb: false } };
  expect(stepCheck(i, r, a, half)).toMatch(/failed but changed state/);
});

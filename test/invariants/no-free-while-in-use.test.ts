import { expect, test } from 'vitest';
import { find, inv, modelFor, stepCheck, withHwpt } from './helpers.js';

test('holds: destroying an unused HWPT', () => {
  const m = modelFor('count-race');
  const s = m.initStates()[0]!;
  const a = find(m, s, 'IOMMU_DESTROY hwpt2');
  expect(stepCheck(inv('no-free-while-in-use'), s, a, m.nextState(s, a))).toBeNull();
});

test('violated: a destroy that freed an attached, preserved or referenced HWPT', () => {
  const m = modelFor('count-race');
  const s = m.initStates()[0]!;
  const a = find(m, s, 'IOMMU_DESTROY hwpt2');
  const n = m.nextState(s, a);
  const i = inv('no-free-while-in-use');
  expect(stepCheck(i, withHwpt(s, 1, (h) => ({ ...h, preserved: true })), a, n)).toMatch(/while it was preserved/);
  expect(stepCheck(i, { ...s, devices: [{ group: 0, hwpt: 1, preserved: false, busMaster: true, bound: true, atFreeze: -1, pasid: false }] }, a, n)).toMatch(/while a device was attached/);
  const held = { ...s, threads: [{ ...s.threads[0]!, held: 0b10 }, s.threads[1]!] };
  expect(stepCheck(i, held, a, n)).toMatch(/while preserve held a reference/);
});

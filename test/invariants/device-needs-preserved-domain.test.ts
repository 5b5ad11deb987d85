import { expect, test } from 'vitest';
import { find, inv, modelFor, stepCheck, walk } from './helpers.js';

const P = (x: string) => `iommufd_preserve ${x}`;
const ALL = ['MARK_PRESERVE hwpt1 token 1', 'PRESERVE_FD memfd1', P('P0: PRESERVE_FD iommufd token 2'), P('P1'), P('P2'), P('P3a'), P('P3c_imm'), P('P3c_check'), P('P3c_domain'), P('P3e'), P('P4')];

test('holds: the cdev is preserved after its domain', () => {
  const m = modelFor('preserve-order');
  const s = walk(m, ALL);
  const a = find(m, s, 'PRESERVE_FD cdev(dev1)');
  expect(m.nextState(s, a).devices[0]!.preserved).toBe(true);
  expect(stepCheck(inv('device-needs-preserved-domain'), s, a, m.nextState(s, a))).toBeNull();
});

test('violated: a device preserved while its domain is not', () => {
  const m = modelFor('preserve-order');
  const s = m.initStates()[0]!;
  const a = find(m, s, 'PRESERVE_FD cdev(dev1)');
  const bad = { ...m.nextState(s, a), devices: [{ group: 0, hwpt: 0, preserved: true, busMaster: true, bound: true, atFreeze: -1, pasid: false }] };
  expect(stepCheck(inv('device-needs-preserved-domain'), s, a, bad)).toMatch(/dev1 was preserved while its group's domain was not preserved/);
});

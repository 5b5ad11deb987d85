import { expect, test } from 'vitest';
import { booted } from '../model/helpers-kexec.js';
import { DEFAULT_DOMAIN, NO_DOMAIN } from '../../model/iommufd/state/types.js';
import { find, inv, stepCheck } from './helpers.js';

test('owned-blocks-other-drivers: a bind on a restored group is refused; a group on a restored domain must be owned', () => {
  const i = inv('owned-blocks-other-drivers');
  const { m, s } = booted();
  const a = find(m, s, 'bind a kernel driver to dev1');
  const n = m.nextState(s, a);
  expect(n.groups).toEqual(s.groups);
  expect(stepCheck(i, s, a, n)).toBeNull();
  const stolen = { ...n, groups: n.groups.map((g, k) => (k === 0 ? { ...g, domain: DEFAULT_DOMAIN, owned: false } : g)) };
  expect(stepCheck(i, s, a, stolen)).toMatch(/a kernel driver bound dev1 and took its group off the restored domain/);
  const unowned = { ...n, groups: n.groups.map((g, k) => (k === 1 ? { ...g, owned: false } : g)) };
  expect(stepCheck(i, s, a, unowned)).toMatch(/group 2 is on a restored domain but not DMA-owned/);
});

test("owned-blocks-other-drivers: read off the hardware, an unowned group with a device on the previous kernel's tables is reported", () => {
  const i = inv('owned-blocks-other-drivers');
  const { m, s } = booted();
  const a = find(m, s, 'bind a kernel driver to dev1');
  // the kernel has group 1 on its default domain, unowned; dev1's context entry still walks hwpt1's old tables
  const split = { ...s, groups: s.groups.map((g, k) => (k === 0 ? { ...g, domain: DEFAULT_DOMAIN, owned: false, byToken: false } : g)) };
  expect(split.ctx[0]).toBe(0);
  expect(stepCheck(i, split, a, split)).toMatch(/group 1 is not DMA-owned but dev1's context entry walks the previous kernel's hwpt1 tables/);
  // owned, or not set up by a probe yet (between B2 and B3): nothing to report
  const owned = { ...split, groups: split.groups.map((g, k) => (k === 0 ? { ...g, owned: true } : g)) };
  expect(stepCheck(i, owned, a, owned)).toBeNull();
  const unprobed = { ...split, groups: split.groups.map((g, k) => (k === 0 ? { ...g, domain: NO_DOMAIN } : g)) };
  expect(stepCheck(i, unprobed, a, unprobed)).toBeNull();
});

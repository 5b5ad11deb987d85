import { expect, test } from 'vitest';
import { booted } from '../model/helpers-kexec.js';
import { DEFAULT_DOMAIN } from '../../model/iommufd/state/types.js';
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

import { expect, test } from 'vitest';
import { booted } from '../model/helpers-kexec.js';
import { CTX_NONE } from '../../model/iommufd/state/types.js';
import { inv, stateCheck, walk } from './helpers.js';

test('dma-continuity holds on the restored domain and fails when a device loses its entry, bus mastering or a page', () => {
  const i = inv('dma-continuity');
  const { m, s } = booted();
  expect(stateCheck(i, s)).toBeNull();
  expect(stateCheck(i, { ...s, ctx: [CTX_NONE, 0] })).toMatch(/dev1's context entry is no longer present/);
  expect(stateCheck(i, { ...s, devices: s.devices.map((d, k) => (k === 1 ? { ...d, busMaster: false } : d)) })).toMatch(/dev2 stopped bus mastering/);
  const t = booted({ verify: 'trust' });
  const moved = walk(t.m, ['RETRIEVE_SESSION', 'RETRIEVE_FD cdev(dev1)', 'HWPT_ALLOC hwpt2', 'REPLACE dev1 -> hwpt2'], t.s);
  expect(stateCheck(i, moved)).toMatch(/dev1's DMA to iova 0 now reaches pfn -1, not pfn 0/);
  const done = walk(m, ['RETRIEVE_SESSION', 'RETRIEVE_FD memfd1', 'SESSION_FINISH'], s);
  expect(stateCheck(i, done)).toBeNull(); // after FINISH the window is over
});

import { expect, test } from 'vitest';
import { booted } from '../model/helpers-kexec.js';
import { RS_FREED } from '../../model/iommufd/state/types.js';
import { inv, stateCheck, withHwpt } from './helpers.js';

test('no-dma-to-free: a restored table walked by a device must not be freed, nor the guest pages it maps', () => {
  const i = inv('no-dma-to-free');
  const { s } = booted();
  expect(stateCheck(i, s)).toBeNull();
  const freed = withHwpt(s, 0, (h) => ({ ...h, domain: { ...h.domain, restored: RS_FREED } }));
  expect(stateCheck(i, freed)).toMatch(/dev1 is bus mastering through a context entry whose page table \(hwpt1's\) is free memory/);
  const gone = { ...s, memfds: s.memfds.map((x) => ({ ...x, preserved: false })) };
  expect(stateCheck(i, gone)).toMatch(/dev1's DMA to iova 0 lands in memfd1's page, which is free memory/);
  const quiet = { ...gone, devices: gone.devices.map((d) => ({ ...d, busMaster: false })) };
  expect(stateCheck(i, quiet)).toBeNull(); // no bus mastering, no DMA
});

import { expect, test } from 'vitest';
import { inv, modelFor, stateCheck, walk, withHwpt } from './helpers.js';
import { PHASE_NEW } from '../../model/iommufd/state/types.js';

const PRESERVE = ['iommufd_preserve P0', 'iommufd_preserve P1', 'iommufd_preserve P2', 'iommufd_preserve P3a', 'iommufd_preserve P3c_imm', 'iommufd_preserve P3c_check', 'iommufd_preserve P3c_domain'];

test('holds: a preserved domain maps only folios memfd_luo marked', () => {
  const m = modelFor('punch-hole');
  const s = walk(m, ['PRESERVE_FD memfd1', ...PRESERVE]);
  expect(s.hwpts[0]!.domain.preservedState).toBe(true);
  expect(stateCheck(inv('leaves-kho-preserved'), s)).toBeNull();
});

test('violated: a hole punched under the mapping; the preserved domain maps the old folio, KHO marked the new one', () => {
  const m = modelFor('punch-hole', { pagesCheck: 'seals' });
  const s = walk(m, ['fallocate memfd1 page 0 PUNCH_HOLE', 'PRESERVE_FD memfd1', ...PRESERVE]);
  expect(stateCheck(inv('leaves-kho-preserved'), s)).toMatch(/hwpt1's preserved domain maps iova 0 to pfn 0 \(memfd1\), which KHO does not preserve/);
});

test('violated after kexec: a device still translates through the old tables to a page KHO did not preserve', () => {
  const m = modelFor('punch-hole');
  const s0 = m.initStates()[0]!;
  const after = withHwpt({ ...s0, phase: PHASE_NEW, boot: 2, ctx: [0], devices: [{ group: 0, hwpt: -1, preserved: true, busMaster: true, bound: false, atFreeze: 0, pasid: false }] }, 0, (h) => ({ ...h, alive: false }));
  expect(stateCheck(inv('leaves-kho-preserved'), after)).toMatch(/after kexec dev1's DMA to iova 0 reaches pfn 0/);
  const marked = { ...after, memfds: after.memfds.map((x) => ({ ...x, kho: 1 })) };
  expect(stateCheck(inv('leaves-kho-preserved'), marked)).toBeNull();
});

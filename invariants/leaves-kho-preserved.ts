/**
 * leaves-kho-preserved: what a device can reach across kexec is memory the
 * new kernel keeps. Every IOMMU leaf of a preserved domain is a folio that
 * KHO preserves (memfd_luo_preserve marked it), and after kexec every page a
 * bus-mastering device translates to through the old kernel's tables is
 * such a folio (Samiullah Khawaja's answer to the cached-seals review,
 * 20 May 2026).
 *
 * Observed, not decided: it reads the domains' leaves, the memfds' KHO
 * marks and the context entries, never a predicate that a preserve step or
 * a switch decides with.
 */
import type { InvariantFactory } from './types.js';
import { KHAWAJA_SEALS } from './types.js';
import { devName, isOldTable, tableAt } from '../model/iommufd/state/predicates-kexec.js';
import { folioOfPfn, hwptName, memfdOfPfn } from '../model/iommufd/state/predicates.js';
import { PHASE_NEW, type State } from '../model/iommufd/state/types.js';

/** The folio at pfn carries memfd_luo's KHO mark. */
function khoMarked(s: State, pfn: number): boolean {
  const m = s.memfds[memfdOfPfn(pfn)];
  return m !== undefined && (m.kho & (1 << folioOfPfn(pfn))) !== 0;
}

const make: InvariantFactory = () => ({
  id: 'leaves-kho-preserved',
  title: 'No IOMMU leaf of a preserved domain, and after kexec no device translation, reaches a page KHO did not preserve',
  kind: 'state',
  source: KHAWAJA_SEALS,
  statement:
    'Before kexec, every page a leaf of a preserved domain maps is a memfd folio that memfd_luo_preserve KHO-marked. ' +
    'After kexec, every page a bus-mastering device reaches through the previous kernel\'s page tables is such a folio; ' +
    'any other page is free memory to the new kernel.',
  check: (s) => {
    if (s.phase !== PHASE_NEW) {
      for (let h = 0; h < s.hwpts.length; h++) {
        const d = s.hwpts[h]!.domain;
        if (!d.preservedState) continue;
        for (let iova = 0; iova < d.leaves.length; iova++) {
          const pfn = d.leaves[iova]!;
          if (pfn >= 0 && !khoMarked(s, pfn)) return `${hwptName(h)}'s preserved domain maps iova ${iova} to pfn ${pfn} (memfd${memfdOfPfn(pfn) + 1}), which KHO does not preserve`;
        }
      }
      return null;
    }
    for (let dev = 0; dev < s.devices.length; dev++) {
      const p = s.ctx[dev]!;
      if (!s.devices[dev]!.busMaster || p < 0 || !isOldTable(s, p)) continue;
      const leaves = tableAt(s, p).leaves;
      for (let iova = 0; iova < leaves.length; iova++) {
        const pfn = leaves[iova]!;
        if (pfn >= 0 && !khoMarked(s, pfn)) return `after kexec ${devName(dev)}'s DMA to iova ${iova} reaches pfn ${pfn} (memfd${memfdOfPfn(pfn) + 1}), which KHO did not preserve: free memory to the new kernel`;
      }
    }
    return null;
  },
  witness: {
    title: 'a preserved domain maps a page (and, through kexec, a device still translates to it through the old tables)',
    reached: (_p, _a, s) =>
      s.phase === PHASE_NEW
        ? s.devices.some((d, i) => d.busMaster && s.ctx[i]! >= 0 && isOldTable(s, s.ctx[i]!) && tableAt(s, s.ctx[i]!).leaves.some((pfn) => pfn >= 0))
        : s.hwpts.some((h) => h.domain.preservedState && h.domain.leaves.some((pfn) => pfn >= 0)),
  },
});
export default make;

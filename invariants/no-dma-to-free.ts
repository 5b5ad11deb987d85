/**
 * no-dma-to-free: a bus-mastering device never walks a
 * table page or reaches a guest page that the running kernel does not own.
 * In the old kernel that is a live HWPT's domain; in the new kernel a table
 * is owned once iommu_restore_domain reclaimed it, or while it still carries
 * its KHO mark, and a guest page while its memfd's folios are preserved or
 * retrieved.
 *
 * Refined: every table page of the domain the context entry points at is
 * checked (not only those on one IOVA's walk), and before B1 nothing counts
 * as free: the new kernel's early boot uses scratch memory only.
 */
import type { InvariantFactory } from './types.js';
import { SEED_001 } from './types.js';
import { dmaToFree, memoryReused } from '../model/iommufd/state/predicates-kexec.js';
import { RS_FREED, type State } from '../model/iommufd/state/types.js';

/** From p to s a restored domain was freed. */
function restoredDomainFreed(p: State, s: State): boolean {
  return s.hwpts.some((h, i) => h.domain.restored === RS_FREED && p.hwpts[i]!.domain.restored !== RS_FREED);
}

const make: InvariantFactory = () => ({
  id: 'no-dma-to-free',
  title: 'No device DMA walks or reaches memory the running kernel does not own',
  kind: 'state',
  source: `${SEED_001}; BUG() rationale in drivers/iommu/liveupdate.c (samikhawaja/linux)`,
  statement:
    'For every bus-mastering device with a present context entry: every table page of the domain it points at is ' +
    'allocated (after kexec: KHO-marked or reclaimed, not freed) and every page its leaves map belongs to a memfd ' +
    'whose folios the running kernel holds.',
  check: (s) => {
    for (let d = 0; d < s.devices.length; d++) {
      const why = dmaToFree(s, d);
      if (why !== null) return why;
    }
    return null;
  },
  witness: {
    title: 'after kexec a restored domain was freed once no device used it any more',
    reached: (p, _a, s) => p !== undefined && memoryReused(s) && restoredDomainFreed(p, s),
  },
});
export default make;

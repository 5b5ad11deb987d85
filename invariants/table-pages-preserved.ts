/**
 * table-pages-preserved: every table page reachable from a
 * preserved domain's root is KHO-marked, and no KHO-marked table page is
 * freed (a freed page with a mark would be handed to the next kernel as
 * "preserved" while the old kernel reuses it).
 *
 * Refined: checked in every state, not only at freeze: the second half
 * holds for every domain, preserved or not, because a leaked mark outlives
 * the unpreserve that should have dropped it. Checked up to kexec: in the
 * new kernel kho_restore_folio consumes the marks and no-dma-to-free says
 * which table pages are owned.
 */
import type { InvariantFactory } from './types.js';
import { V2_SERIES } from './types.js';
import { hwptName, leakedMarks, reachablePages } from '../model/iommufd/state/predicates.js';
import { PHASE_NEW } from '../model/iommufd/state/types.js';

const make: InvariantFactory = () => ({
  id: 'table-pages-preserved',
  title: 'A preserved domain has all its table pages KHO-marked, and no marked table page is freed',
  kind: 'state',
  source: `the generic_pt preserve of ${V2_SERIES} (include/linux/generic_pt/iommu.h, drivers/iommu/liveupdate.c)`,
  statement:
    'For every domain with preserved_state, every table page reachable from its root is KHO-marked; for every ' +
    'domain, every KHO-marked table page is still allocated.',
  check: (s) => {
    if (s.phase === PHASE_NEW) return null;
    for (let h = 0; h < s.hwpts.length; h++) {
      const d = s.hwpts[h]!.domain;
      const leaked = leakedMarks(d);
      if (leaked) return `a table page of ${hwptName(h)}'s domain was freed while KHO-marked (pages mask ${leaked})`;
      if (d.preservedState && (reachablePages(d) & ~d.kho) !== 0) {
        return `${hwptName(h)}'s preserved domain reaches table pages that are not KHO-marked (mask ${reachablePages(d) & ~d.kho})`;
      }
    }
    return null;
  },
  witness: {
    title: 'a preserved domain with a root and a leaf table, all KHO-marked',
    reached: (_p, _a, s) => s.hwpts.some((h) => h.domain.preservedState && h.domain.tables !== 0 && (reachablePages(h.domain) & ~h.domain.kho) === 0),
  },
});
export default make;

/**
 * blob-count-matches: the published iommufd blob describes
 * exactly the preserved HWPTs: nr_hwpts = |preserved| = |slots with
 * domain_data|.
 *
 * Refined: checked once the blob is published (the iommufd file is in the
 * session and lu_mutex is free: after P4, and so at freeze), because inside
 * the P3 loop the count of preserved HWPTs is legitimately still short of
 * nr_hwpts. A write past nr_hwpts is not read off the writer's record of
 * it: it shows as one more preserved HWPT than the blob counts. After kexec the
 * HWPTs are gone and the blob is what the new kernel reads: what it does
 * with a bad entry is restore-no-panic's.
 */
import type { InvariantFactory } from './types.js';
import { SEED_003 } from './types.js';
import { blobPublished, preserveInWindow, writtenSlots } from '../model/iommufd/state/predicates.js';
import { PHASE_NEW } from '../model/iommufd/state/types.js';

const make: InvariantFactory = () => ({
  id: 'blob-count-matches',
  title: 'The published iommufd blob counts exactly the preserved HWPTs',
  kind: 'state',
  source: SEED_003,
  statement:
    'Once PRESERVE_FD(iommufd) returned: nr_hwpts equals the number of liveupdate_preserved HWPTs and the ' +
    'number of hwpt_array entries with domain_data set.',
  check: (s) => {
    if (s.phase === PHASE_NEW || !blobPublished(s)) return null;
    let preserved = 0;
    for (const h of s.hwpts) if (h.alive && h.preserved) preserved++;
    const written = writtenSlots(s.blob);
    if (s.blob.nr === preserved && written === preserved) return null;
    return `the published blob has nr_hwpts = ${s.blob.nr} but ${preserved} HWPT(s) are preserved and ${written} entr(y/ies) have domain_data`;
  },
  witness: {
    title: 'IOMMU_DESTROY of a marked HWPT ran while preserve was between P1 and P4',
    reached: (prev, a) =>
      prev !== undefined && a?.type === 'iommufd_destroy' && prev.hwpts[a.op.hwpt]!.marked && preserveInWindow(prev),
  },
});
export default make;

/**
 * _iommufd_unpreserve: the unwind of a failed iommufd PRESERVE_FD and the
 * iommufd's unpreserve callback when the session fd closes, one HWPT per
 * step (xa_lock dropped around each), under lu_mutex. It has no menu op of
 * its own: a thread enters it from the preserve or the close.
 */
import { iommufdLiveupdateUnpreserve, nextPreserved, waitsForDomainsRwsem } from '../../kernel/liveupdate.js';
import { hw } from '../../render/names.js';
import type { ActionOf, Defined } from '../../entry-point.js';

type A = ActionOf<'iommufd_liveupdate_unpreserve'>;

export const iommufdLiveupdateUnpreserveEntry = {
  type: 'iommufd_liveupdate_unpreserve',
  source: 'drivers/iommu/iommufd/liveupdate.c: _iommufd_unpreserve',
  defines: [],
  serves: [],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: { UNPRESERVE: ['lu_mutex', 'session'] },
  steps: undefined,
  first: (): A[] => [],
  resume: (ctx, s, pid, t, op): A[] => (waitsForDomainsRwsem(ctx, s, t) ? [] : [{ pid, idx: t.op, type: 'iommufd_liveupdate_unpreserve', op, hwpt: nextPreserved(s, t) }]),
  effect: (ctx, s, a) => iommufdLiveupdateUnpreserve(ctx, s, a),
  label: (x) => (x.hwpt >= 0 ? `iommufd_unpreserve: release ${hw(x.hwpt)} (iommu_domain_unpreserve, IOAS, put_object)` : 'iommufd_unpreserve: kho_unpreserve_free(blob), return'),
  kselftest: (_ctx, _a, _s, k) => k.inside('the call whose unpreserve this is (a failing PRESERVE_FD of the iommufd, or the session close)'),
} satisfies Defined<A>;

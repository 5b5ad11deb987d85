/** IOMMU_HWPT_LU_RESTORE (the RFC's rehydrate design, restore=rehydrate): wrap a restored domain in a HWPT, once the iommufd is retrieved. */
import { iommufdHwptLuRestore } from '../../kernel/rebuild.js';
import { isRetrieved } from '../../kernel/luo_incoming.js';
import { hw } from '../../render/names.js';
import { FILE_IOMMUFD } from '../../state/types.js';
import type { ActionOf, Defined } from '../../entry-point.js';
import { sessionReady } from '../common.js';

type A = ActionOf<'iommufd_hwpt_lu_restore'>;

export const iommufdHwptLuRestoreEntry = {
  type: 'iommufd_hwpt_lu_restore',
  source: 'drivers/iommu/iommufd/liveupdate.c: iommufd_hwpt_lu_restore (samikhawaja/linux RFC)',
  defines: [{ name: 'lu_restore', doc: 'IOMMU_HWPT_LU_RESTORE of the domain preserved with token `token` into new-kernel HWPT slot `hwpt`', fields: { token: { kind: 'token' }, hwpt: { kind: 'slot' } }, kernels: ['new'] }],
  serves: [{ op: 'lu_restore', kernel: 'new' }],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, s, pid, idx, op): A[] => (sessionReady(s) && isRetrieved(s, FILE_IOMMUFD) ? [{ pid, idx, type: 'iommufd_hwpt_lu_restore', op }] : []),
  effect: (ctx, s, a) => iommufdHwptLuRestore(ctx, s, a),
  label: (x) => `IOMMU_HWPT_LU_RESTORE token ${x.op.token} -> ${hw(x.op.hwpt)}`,
  kselftest: () => ({ needs: 'IOMMU_HWPT_LU_RESTORE, an ioctl of the RFC design that the v2 series does not have' }),
} satisfies Defined<A>;

/** IOMMU_DESTROY of a HWPT in the new kernel (with restore=rehydrate, the restored domain goes with it). */
import { iommufdDestroyRestored } from '../../kernel/rebuild.js';
import { hw } from '../../render/names.js';
import type { ActionOf, Defined } from '../../entry-point.js';
import { sessionReady } from '../common.js';

type A = ActionOf<'iommufd_destroy_restored'>;

export const iommufdDestroyRestoredEntry = {
  type: 'iommufd_destroy_restored',
  source: 'drivers/iommu/iommufd/main.c: iommufd_destroy',
  defines: [],
  serves: [{ op: 'destroy', kernel: 'new' }],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, s, pid, idx, op): A[] => (sessionReady(s) && s.hwpts[op.hwpt]!.alive ? [{ pid, idx, type: 'iommufd_destroy_restored', op }] : []),
  effect: (_ctx, s, a) => iommufdDestroyRestored(s, a),
  label: (x) => `IOMMU_DESTROY ${hw(x.op.hwpt)} (new kernel)`,
  kselftest: () => ({ needs: 'the id of the restored HWPT, which only the RFC design\'s IOMMU_HWPT_LU_RESTORE gives userspace' }),
} satisfies Defined<A>;

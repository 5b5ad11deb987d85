/** IOMMU_DESTROY of a HWPT in the old kernel: one step, enabled while no device holds it (main.ts destroyEnabled). */
import { destroyEnabled, iommufdDestroy } from '../../kernel/main.js';
import { hw } from '../../render/names.js';
import type { ActionOf, Defined } from '../../entry-point.js';

type A = ActionOf<'iommufd_destroy'>;

export const iommufdDestroyEntry = {
  type: 'iommufd_destroy',
  source: 'drivers/iommu/iommufd/main.c: iommufd_destroy',
  defines: [{ name: 'destroy', doc: 'IOMMU_DESTROY of HWPT `hwpt`', fields: { hwpt: { kind: 'hwpt' } }, kernels: ['old', 'new'] }],
  serves: [{ op: 'destroy', kernel: 'old' }],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: {},
  steps: undefined,
  resume: undefined,
  first(ctx, s, pid, idx, op): A[] {
    const a: A = { pid, idx, type: 'iommufd_destroy', op };
    return destroyEnabled(ctx, s, a) ? [a] : [];
  },
  effect: (_ctx, s, a) => iommufdDestroy(s, a),
  label: (a) => `IOMMU_DESTROY ${hw(a.op.hwpt)}`,
  kselftest: (ctx, a, s, k) => k.issue(ctx, s, a, a.op, k.call.destroy(a.op.hwpt), 'IOMMU_DESTROY of the HWPT'),
} satisfies Defined<A>;

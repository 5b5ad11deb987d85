/** IOMMU_HWPT_ALLOC in the new kernel: a HWPT_PAGING on an IOAS, in a slot after the old kernel's (the rebuild's D'). */
import { iommufdHwptAlloc } from '../../kernel/rebuild.js';
import { hw, io } from '../../render/names.js';
import type { ActionOf, Defined } from '../../entry-point.js';
import { sessionReady } from '../common.js';

type A = ActionOf<'iommufd_hwpt_alloc'>;

export const iommufdHwptAllocEntry = {
  type: 'iommufd_hwpt_alloc',
  source: 'drivers/iommu/iommufd/hw_pagetable.c: iommufd_hwpt_paging_alloc',
  defines: [{ name: 'hwpt_alloc', doc: 'IOMMU_HWPT_ALLOC of a HWPT_PAGING on IOAS `ioas` into new-kernel HWPT slot `hwpt`', fields: { ioas: { kind: 'ioas' }, hwpt: { kind: 'slot' } }, kernels: ['new'] }],
  serves: [{ op: 'hwpt_alloc', kernel: 'new' }],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, s, pid, idx, op): A[] => (sessionReady(s) ? [{ pid, idx, type: 'iommufd_hwpt_alloc', op }] : []),
  effect: (_ctx, s, a) => iommufdHwptAlloc(s, a),
  label: (x) => `HWPT_ALLOC ${hw(x.op.hwpt)} on ${io(x.op.ioas)} (new kernel)`,
  kselftest: (ctx, a, s, k) =>
    k.issue(ctx, s, a, a.op, k.call.hwptAlloc(a.op.ioas, a.op.hwpt, Math.max(0, ctx.scope.devices.findIndex((d) => d.hwpt !== undefined))), 'IOMMU_HWPT_ALLOC in the new kernel (against the retrieved cdev bound at its RETRIEVE_FD)'),
} satisfies Defined<A>;

/** IOMMU_IOAS_UNMAP of one IOVA slot: one step (the area and its pin go). */
import { iommufdIoasUnmap } from '../../kernel/ioas.js';
import { io } from '../../render/names.js';
import type { ActionOf, Defined } from '../../entry-point.js';

type A = ActionOf<'iommufd_ioas_unmap'>;

export const iommufdIoasUnmapEntry = {
  type: 'iommufd_ioas_unmap',
  source: 'drivers/iommu/iommufd/ioas.c: iommufd_ioas_unmap',
  defines: [{ name: 'unmap', doc: 'IOMMU_IOAS_UNMAP of IOVA slot `iova` of IOAS `ioas`', fields: { ioas: { kind: 'ioas' }, iova: { kind: 'iova' } }, kernels: ['old'] }],
  serves: [{ op: 'unmap', kernel: 'old' }],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, _s, pid, idx, op): A[] => [{ pid, idx, type: 'iommufd_ioas_unmap', op }],
  effect: (ctx, s, a) => iommufdIoasUnmap(ctx, s, a),
  label: (a) => `IOAS_UNMAP ${io(a.op.ioas)} iova ${a.op.iova}`,
  kselftest: (ctx, a, s, k) => k.issue(ctx, s, a, a.op, k.call.unmap(a.op), 'IOMMU_IOAS_UNMAP'),
} satisfies Defined<A>;

/**
 * IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE (v2 patch 12): one step, which waits
 * while ictx.liveupdate_mutex is held (a preserve or unpreserve in progress).
 */
import { iommufdHwptLiveupdateMarkPreserve } from '../../kernel/liveupdate.js';
import { luMutexHeld } from '../../state/process.js';
import { hw } from '../../render/names.js';
import type { ActionOf, Defined } from '../../entry-point.js';

type A = ActionOf<'iommufd_hwpt_liveupdate_mark_preserve'>;

export const iommufdHwptLiveupdateMarkPreserveEntry = {
  type: 'iommufd_hwpt_liveupdate_mark_preserve',
  source: 'drivers/iommu/iommufd/liveupdate.c: iommufd_hwpt_liveupdate_mark_preserve',
  defines: [{ name: 'mark_preserve', doc: 'IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE of HWPT `hwpt` with token `token`', fields: { hwpt: { kind: 'hwpt' }, token: { kind: 'token' } }, kernels: ['old'] }],
  serves: [{ op: 'mark_preserve', kernel: 'old' }],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, s, pid, idx, op): A[] => (luMutexHeld(s) ? [] : [{ pid, idx, type: 'iommufd_hwpt_liveupdate_mark_preserve', op }]),
  effect: (_ctx, s, a) => iommufdHwptLiveupdateMarkPreserve(s, a),
  label: (a) => `MARK_PRESERVE ${hw(a.op.hwpt)} token ${a.op.token}`,
  kselftest: (ctx, a, s, k) => k.issue(ctx, s, a, a.op, k.call.mark(a.op.hwpt, a.op.token), 'IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE'),
} satisfies Defined<A>;

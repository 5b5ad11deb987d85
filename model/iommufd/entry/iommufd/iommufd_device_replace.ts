/** REPLACE (ATTACH_IOMMUFD_PT on an attached cdev) in the old kernel: one step under iommufd_group.lock; switch `replace`. */
import { iommufdDeviceReplace } from '../../kernel/device.js';
import { dv, hw } from '../../render/names.js';
import type { ActionOf, Defined } from '../../entry-point.js';

type A = ActionOf<'iommufd_device_replace'>;

export const iommufdDeviceReplaceEntry = {
  type: 'iommufd_device_replace',
  source: 'drivers/iommu/iommufd/device.c: iommufd_device_replace',
  defines: [{ name: 'replace', doc: 'VFIO_DEVICE_ATTACH_IOMMUFD_PT of attached device `dev` to HWPT `hwpt` (a replace)', fields: { dev: { kind: 'dev' }, hwpt: { kind: 'hwpt' } }, kernels: ['old', 'new'] }],
  serves: [{ op: 'replace', kernel: 'old' }],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, _s, pid, idx, op): A[] => [{ pid, idx, type: 'iommufd_device_replace', op }],
  effect: (ctx, s, a) => iommufdDeviceReplace(ctx, s, a),
  label: (a) => `REPLACE ${dv(a.op.dev)} -> ${hw(a.op.hwpt)}`,
  kselftest: (ctx, a, s, k) => k.issue(ctx, s, a, a.op, k.call.attach(a.op.dev, `hwpt_id[${a.op.hwpt}]`), 'ATTACH_IOMMUFD_PT on an attached cdev replaces (iommufd_device_replace)'),
} satisfies Defined<A>;

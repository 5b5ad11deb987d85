/** ATTACH of a device to a HWPT_PAGING through its VFIO cdev: one step under iommufd_group.lock. */
import { iommufdDeviceAttach } from '../../kernel/device.js';
import { dv, hw } from '../../render/names.js';
import type { ActionOf, Defined } from '../../entry-point.js';

type A = ActionOf<'iommufd_device_attach'>;

export const iommufdDeviceAttachEntry = {
  type: 'iommufd_device_attach',
  source: 'drivers/iommu/iommufd/device.c: iommufd_device_attach',
  defines: [{ name: 'attach', doc: 'VFIO_DEVICE_ATTACH_IOMMUFD_PT of device `dev` to HWPT `hwpt`', fields: { dev: { kind: 'dev' }, hwpt: { kind: 'hwpt' } }, kernels: ['old'] }],
  serves: [{ op: 'attach', kernel: 'old' }],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, _s, pid, idx, op): A[] => [{ pid, idx, type: 'iommufd_device_attach', op }],
  effect: (_ctx, s, a) => iommufdDeviceAttach(s, a),
  label: (a) => `ATTACH ${dv(a.op.dev)} -> ${hw(a.op.hwpt)}`,
  kselftest: (ctx, a, s, k) => k.issue(ctx, s, a, a.op, k.call.attach(a.op.dev, `hwpt_id[${a.op.hwpt}]`), 'attach through the VFIO cdev (iommufd_device_attach)'),
} satisfies Defined<A>;

/** DETACH of a device through its VFIO cdev: one step under iommufd_group.lock. */
import { iommufdDeviceDetach } from '../../kernel/device.js';
import { dv } from '../../render/names.js';
import type { ActionOf, Defined } from '../../entry-point.js';

type A = ActionOf<'iommufd_device_detach'>;

export const iommufdDeviceDetachEntry = {
  type: 'iommufd_device_detach',
  source: 'drivers/iommu/iommufd/device.c: iommufd_device_detach',
  defines: [{ name: 'detach', doc: 'VFIO_DEVICE_DETACH_IOMMUFD_PT of device `dev`', fields: { dev: { kind: 'dev' } }, kernels: ['old'] }],
  serves: [{ op: 'detach', kernel: 'old' }],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, _s, pid, idx, op): A[] => [{ pid, idx, type: 'iommufd_device_detach', op }],
  effect: (_ctx, s, a) => iommufdDeviceDetach(s, a),
  label: (a) => `DETACH ${dv(a.op.dev)}`,
  kselftest: (ctx, a, s, k) => k.issue(ctx, s, a, a.op, k.call.detach(a.op.dev), 'detach through the VFIO cdev'),
} satisfies Defined<A>;

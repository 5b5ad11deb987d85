/** A kernel driver binds to a device in the new kernel (iommu_device_use_default_domain: -EBUSY on an owned group). */
import { iommuDeviceUseDefaultDomain } from '../../kernel/rebuild.js';
import { dv } from '../../render/names.js';
import type { ActionOf, Defined } from '../../entry-point.js';

type A = ActionOf<'iommu_device_use_default_domain'>;

export const iommuDeviceUseDefaultDomainEntry = {
  type: 'iommu_device_use_default_domain',
  source: 'drivers/iommu/iommu.c: iommu_device_use_default_domain',
  defines: [{ name: 'bind_driver', doc: 'bind a kernel driver to device `dev` in the new kernel', fields: { dev: { kind: 'dev' } }, kernels: ['new'] }],
  serves: [{ op: 'bind_driver', kernel: 'new' }],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, _s, pid, idx, op): A[] => [{ pid, idx, type: 'iommu_device_use_default_domain', op }],
  effect: (_ctx, s, a) => iommuDeviceUseDefaultDomain(s, a),
  label: (x) => `bind a kernel driver to ${dv(x.op.dev)} (iommu_device_use_default_domain)`,
  kselftest: () => ({ needs: 'binding a non-VFIO driver to the device (echo its BDF to a driver\'s bind file in sysfs, e.g. pci-pf-stub)' }),
} satisfies Defined<A>;

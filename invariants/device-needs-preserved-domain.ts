/**
 * device-needs-preserved-domain: PRESERVE_FD of a VFIO cdev
 * succeeds only for a device whose group is DMA-owned and whose active
 * domain already has preserved_state (so the iommufd was preserved first).
 */
import type { InvariantFactory } from './types.js';
import { V2_SERIES } from './types.js';
import { groupOnPreservedDomain } from '../model/iommufd/state/predicates.js';

const make: InvariantFactory = () => ({
  id: 'device-needs-preserved-domain',
  title: "A device is preserved only on a preserved domain of a DMA-owned group",
  kind: 'step',
  source: `iommu_preserve_device (drivers/iommu/liveupdate.c) in patch 15/16 of ${V2_SERIES}`,
  statement: "When iommu_preserve_device succeeds, the device's group is DMA-owned and its active domain has preserved_state.",
  check: (prev, a, next) => {
    if (a.type !== 'iommu_preserve_device' || a.op.file.kind !== 'cdev') return null;
    const d = a.op.file.dev;
    if (prev.devices[d]!.preserved || !next.devices[d]!.preserved) return null;
    return groupOnPreservedDomain(prev, prev.devices[d]!.group) ? null : `dev${d + 1} was preserved while its group's domain was not preserved or not owned`;
  },
  witness: {
    title: 'a VFIO cdev was preserved on top of a preserved domain',
    reached: (prev, a, next) =>
      prev !== undefined && a?.type === 'iommu_preserve_device' && a.op.file.kind === 'cdev' && next.devices[a.op.file.dev]!.preserved && !prev.devices[a.op.file.dev]!.preserved,
  },
});
export default make;

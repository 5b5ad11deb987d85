/**
 * no-free-while-in-use: IOMMU_DESTROY frees a HWPT only
 * when nothing uses it: no device attached, not preserved, its domain without
 * preserved_state, and no preserve reference on it.
 */
import type { InvariantFactory } from './types.js';
import { V2_13_16 } from './types.js';
import { attachedCount, hwptName, inFlightRefs } from '../model/iommufd/state/predicates.js';

const make: InvariantFactory = () => ({
  id: 'no-free-while-in-use',
  title: 'IOMMU_DESTROY never frees a HWPT that is attached, preserved or referenced by preserve',
  kind: 'step',
  source: `torvalds/linux drivers/iommu/iommufd/main.c (iommufd_object_remove: -EBUSY unless users drops 1 -> 0); iommufd_lock_obj in the preserve loop of ${V2_13_16}`,
  statement:
    'A successful IOMMU_DESTROY(h) starts from a state where h has no attached device, is not preserved, its ' +
    'domain has no preserved_state, and no preserve thread holds a reference on it.',
  check: (prev, a, next) => {
    if (a.type !== 'iommufd_destroy') return null;
    const h = a.op.hwpt;
    if (!prev.hwpts[h]!.alive || next.hwpts[h]!.alive) return null;
    const x = prev.hwpts[h]!;
    if (attachedCount(prev, h) > 0) return `IOMMU_DESTROY freed ${hwptName(h)} while a device was attached to it`;
    if (x.preserved || x.domain.preservedState) return `IOMMU_DESTROY freed ${hwptName(h)} while it was preserved`;
    if (inFlightRefs(prev, h) > 0) return `IOMMU_DESTROY freed ${hwptName(h)} while preserve held a reference on it`;
    return null;
  },
  witness: {
    title: 'IOMMU_DESTROY of a marked HWPT got -EBUSY because preserve holds a reference on it',
    reached: (prev, a, next) =>
      prev !== undefined && a?.type === 'iommufd_destroy' && prev.hwpts[a.op.hwpt]!.marked &&
      next.hwpts[a.op.hwpt]!.alive && inFlightRefs(prev, a.op.hwpt) + (prev.hwpts[a.op.hwpt]!.preserved ? 1 : 0) > 0,
  },
});
export default make;

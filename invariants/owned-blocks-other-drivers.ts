/**
 * owned-blocks-other-drivers: a group on a restored domain
 * is DMA-owned (after probe the owner is the token, then the iommufd that
 * reclaimed the cdev), so a kernel driver's bind or a foreign claim fails
 * with -EBUSY.
 *
 * Refined: checked as a state property (restored => owned) and on the
 * bind step (iommu_device_use_default_domain must not move a group off a
 * restored domain); a foreign claim is the same test in
 * __iommu_take_dma_ownership and is not modelled apart.
 */
import type { InvariantFactory } from './types.js';
import { SEED_000, V1_08_14 } from './types.js';
import { devName, onRestoredDomain } from '../model/iommufd/state/predicates-kexec.js';
import { PHASE_NEW } from '../model/iommufd/state/types.js';

const make: InvariantFactory = () => ({
  id: 'owned-blocks-other-drivers',
  title: 'A group on a restored domain is DMA-owned, so no other driver can bind',
  kind: 'step',
  source: `${SEED_000}; ${V1_08_14}`,
  statement:
    'In the new kernel every group whose active domain is a restored one is DMA-owned, and a kernel driver bind ' +
    'never takes a device whose group is on a restored domain.',
  check: (prev, a, next) => {
    if (next.phase !== PHASE_NEW) return null;
    for (let g = 0; g < next.groups.length; g++) {
      if (onRestoredDomain(next, g) >= 0 && !next.groups[g]!.owned) return `group ${g + 1} is on a restored domain but not DMA-owned`;
    }
    if (a.type !== 'iommu_device_use_default_domain') return null;
    const g = prev.devices[a.op.dev]!.group;
    if (onRestoredDomain(prev, g) >= 0 && next.groups[g]!.domain !== prev.groups[g]!.domain) return `a kernel driver bound ${devName(a.op.dev)} and took its group off the restored domain`;
    return null;
  },
  witness: {
    title: 'a kernel driver bind on a device whose group is on a restored domain got -EBUSY',
    reached: (p, a, s) =>
      p !== undefined && a?.type === 'iommu_device_use_default_domain' && onRestoredDomain(p, p.devices[a.op.dev]!.group) >= 0 &&
      s.groups[p.devices[a.op.dev]!.group]!.domain === p.groups[p.devices[a.op.dev]!.group]!.domain,
  },
});
export default make;

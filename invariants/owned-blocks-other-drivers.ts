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
 *
 * Refined again (the scope partial-group-last): "on a restored domain" is
 * the kernel's bookkeeping; the hardware can disagree. A group the new
 * kernel set up (a domain attached at probe) with a device whose context
 * entry walks the previous kernel's tables must be owned too, whatever
 * domain the kernel thinks the group is on: otherwise a kernel driver can
 * bind to a device whose DMA goes where the guest's went.
 */
import type { InvariantFactory } from './types.js';
import { SEED_000, V1_08_14 } from './types.js';
import { devName, isOldTable, onRestoredDomain } from '../model/iommufd/state/predicates-kexec.js';
import { NO_DOMAIN, PHASE_NEW, type State } from '../model/iommufd/state/types.js';

/** A device of group g whose context entry walks the previous kernel's tables once the group was set up at probe, -1 if none. */
function walksOldTables(s: State, g: number): number {
  if (s.groups[g]!.domain === NO_DOMAIN) return -1;
  for (let i = 0; i < s.devices.length; i++) if (s.devices[i]!.group === g && isOldTable(s, s.ctx[i]!)) return i;
  return -1;
}

const make: InvariantFactory = () => ({
  id: 'owned-blocks-other-drivers',
  title: "A group on a restored domain, or with a device walking the previous kernel's tables, is DMA-owned, so no other driver can bind",
  kind: 'step',
  source: `${SEED_000}; ${V1_08_14}`,
  statement:
    'In the new kernel every group whose active domain is a restored one, or (once probed) one of whose devices has a ' +
    "context entry into the previous kernel's tables, is DMA-owned, and a kernel driver bind never takes a device " +
    'whose group is on a restored domain.',
  check: (prev, a, next) => {
    if (next.phase !== PHASE_NEW) return null;
    for (let g = 0; g < next.groups.length; g++) {
      if (onRestoredDomain(next, g) >= 0 && !next.groups[g]!.owned) return `group ${g + 1} is on a restored domain but not DMA-owned`;
    }
    if (a.type === 'iommu_device_use_default_domain') {
      const g = prev.devices[a.op.dev]!.group;
      if (onRestoredDomain(prev, g) >= 0 && next.groups[g]!.domain !== prev.groups[g]!.domain) return `a kernel driver bound ${devName(a.op.dev)} and took its group off the restored domain`;
    }
    for (let g = 0; g < next.groups.length; g++) {
      const d = next.groups[g]!.owned ? -1 : walksOldTables(next, g);
      if (d >= 0) return `group ${g + 1} is not DMA-owned but ${devName(d)}'s context entry walks the previous kernel's hwpt${next.ctx[d]! + 1} tables: a kernel driver can bind to the group while that DMA goes where the guest's went`;
    }
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

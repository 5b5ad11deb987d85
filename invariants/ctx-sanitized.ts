/**
 * ctx-sanitized: after the new kernel's IOMMU driver took
 * the hardware over (B2), only devices with incoming preserved state have
 * a context entry into the previous kernel's page tables or a PASID-table
 * entry.
 *
 * Refined: stated first as "hw.ctx[bdf].present => incoming state". That
 * fires on a correct kernel as soon as B3 attaches the default domain of a
 * device without preserved state (a present entry the new kernel wrote), so
 * the check is on entries that still point at the previous kernel's tables.
 */
import type { InvariantFactory } from './types.js';
import { SEED_000 } from './types.js';
import { devName, isOldTable } from '../model/iommufd/state/predicates-kexec.js';
import { PHASE_NEW, type State } from '../model/iommufd/state/types.js';

function afterTakeover(s: State): boolean {
  return s.phase === PHASE_NEW && s.boot >= 2;
}

/** From p to s a non-preserved device's old context entry was cleared while a preserved one kept its own. */
function clearedOneKeptOne(p: State, s: State): boolean {
  return s.devices.some((d, i) => !d.preserved && isOldTable(p, p.ctx[i]!) && s.ctx[i]! < 0) &&
    s.devices.some((d, i) => d.preserved && isOldTable(s, s.ctx[i]!));
}

const make: InvariantFactory = () => ({
  id: 'ctx-sanitized',
  title: 'After IOMMU takeover only preserved devices keep context or PASID entries from the previous kernel',
  kind: 'state',
  source: SEED_000,
  statement:
    'In the new kernel after B2: a context entry pointing at a page table of the previous kernel, or a PASID-table ' +
    'entry, belongs to a device with incoming preserved state.',
  check: (s) => {
    if (!afterTakeover(s)) return null;
    for (let d = 0; d < s.devices.length; d++) {
      const dev = s.devices[d]!;
      if (dev.preserved) continue;
      if (isOldTable(s, s.ctx[d]!)) return `${devName(d)} has no preserved state but its context entry still points at the previous kernel's hwpt${s.ctx[d]! + 1} tables`;
      if (dev.pasid) return `${devName(d)} has no preserved state but its PASID-table entry survived the takeover`;
    }
    return null;
  },
  witness: {
    title: "the takeover cleared a non-preserved device's entries while a preserved one kept its context entry",
    reached: (p, a, s) => p !== undefined && a?.type === 'intel_iommu_init' && clearedOneKeptOne(p, s),
  },
});
export default make;

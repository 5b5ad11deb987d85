/**
 * finish-clean: once the incoming session is finished (or
 * closed without FINISH), no group is on a restored domain; every preserved
 * device is on a HWPT userspace built, or on the blocking domain, and a
 * device whose cdev nobody reclaimed was FLR'd first and is no longer owned
 * by the dead token; the FLB pages and the iommufd blob are returned.
 *
 * Refined: "blocked (FLR'd if unclaimed)" reads as: an unclaimed device on
 * the blocking domain is not bus mastering and not DMA-owned. A claimed one
 * on the blocking domain is the VMM's to reset.
 */
import type { InvariantFactory } from './types.js';
import { SEED_000 } from './types.js';
import { finishLeftovers } from '../model/iommufd/state/predicates-kexec.js';
import { BLOCKING_DOMAIN, PHASE_NEW, type State } from '../model/iommufd/state/types.js';

function ended(s: State): boolean {
  return s.phase === PHASE_NEW && (s.nk.finished || s.nk.cancelled);
}

/** Some preserved device nobody reclaimed was reset: no bus mastering, its group on the blocking domain. */
function resetUnclaimed(s: State): boolean {
  return s.devices.some((d) => d.preserved && !d.bound && !d.busMaster && s.groups[d.group]!.domain === BLOCKING_DOMAIN);
}

const make: InvariantFactory = () => ({
  id: 'finish-clean',
  title: 'After FINISH no restored domain is in use and every unclaimed device is reset and released',
  kind: 'state',
  source: SEED_000,
  statement:
    'After FINISH or the close of the incoming session: no group is on a restored domain; each preserved device is ' +
    "on a user-built HWPT or blocked, and if its cdev was never reclaimed it is FLR'd (no bus mastering) and not " +
    'DMA-owned; the FLB pages and the iommufd blob are returned.',
  check: (s) => {
    if (!ended(s)) return null;
    const left = finishLeftovers(s);
    return left.length ? `after FINISH: ${left.join('; ')}` : null;
  },
  witness: {
    title: "FINISH reset a device whose cdev nobody reclaimed (FLR, blocking domain, ownership dropped)",
    reached: (p, _a, s) => p !== undefined && !ended(p) && ended(s) && resetUnclaimed(s),
  },
});
export default make;

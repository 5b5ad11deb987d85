/**
 * restore-progress (DOMAIN.md 4.20): a VMM that retrieved every file of
 * the session and rebuilt, for every preserved device, a HWPT equal to the
 * preserved one and moved the device onto it, can FINISH: every can_finish
 * says yes.
 *
 * Refined: "rebuilds an identical tree" is what the VMM must do in the
 * design the `restore` switch picks: under rehydrate (the RFC) it also
 * reclaimed every blob entry and destroyed the HWPTs handed back, as that
 * design's can_finish requires. Checked whenever the VMM's threads are all
 * between ioctls in the booted new kernel (isQuiescent). As posted (v2:
 * can_finish always false) it fails, as expected until phase 2.
 */
import type { InvariantFactory } from './types.js';
import { SEED_000 } from './types.js';
import { canFinishAll } from '../model/iommufd/predicates-kexec.js';
import { vmmDidItsPart } from '../model/iommufd/predicates-kexec.js';

const make: InvariantFactory = (sw) => ({
  id: 'restore-progress',
  title: 'A VMM that retrieved everything and hot-swapped equal HWPTs can FINISH',
  kind: 'progress',
  source: SEED_000,
  statement:
    'If the VMM retrieved every file of the incoming session and every preserved device is on a HWPT it rebuilt with ' +
    "the preserved radix tree (and, under rehydrate, every blob entry is reclaimed and released), every file's " +
    'can_finish is true.',
  check: (s) => (vmmDidItsPart(sw, s) && !canFinishAll(sw, s) ? 'the VMM rebuilt everything but a can_finish stays false: the session can never finish' : null),
  witness: {
    title: 'the VMM completed its rebuild and FINISH could proceed',
    reached: (_p, _a, s) => vmmDidItsPart(sw, s) && canFinishAll(sw, s),
  },
});
export default make;

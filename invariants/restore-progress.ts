/**
 * restore-progress: a VMM that retrieved every file of
 * the session and rebuilt, for every preserved device, a HWPT equal to the
 * preserved one and moved the device onto it, can FINISH.
 *
 * Refined: "rebuilds an identical tree" is what the VMM must do in the
 * design the `restore` switch picks: under rehydrate (the RFC) it also
 * reclaimed every blob entry and destroyed the HWPTs handed back, as that
 * design's can_finish requires (the premise is the invariant's own; it
 * calls no can_finish). Checked on the consequence: a SESSION_FINISH issued
 * once the VMM did its part finishes the session. As posted (v2: can_finish
 * always false) it fails, as expected until phase 2.
 */
import type { InvariantFactory } from './types.js';
import { SEED_000 } from './types.js';
import { rebuiltEqual } from '../model/iommufd/state/predicates-kexec.js';
import type { Switches } from '../model/iommufd/scopes/variants.js';
import type { State } from '../model/iommufd/state/types.js';

/** The premise: the VMM did its part of the protocol in the design the switches choose. */
export function vmmDidItsPart(sw: Switches, s: State): boolean {
  if (!s.session.open || !s.nk.retrieved) return false;
  if (s.nk.files !== (1 << s.session.files.length) - 1) return false;
  if (!s.devices.every((d, i) => !d.preserved || rebuiltEqual(s, i))) return false;
  if (sw.restore === 'rebuild') return true;
  const all = (1 << s.blob.nr) - 1;
  return (s.blob.reclaimed & all) === all && !s.hwpts.some((h) => h.alive && h.restored >= 0);
}

const make: InvariantFactory = (sw) => ({
  id: 'restore-progress',
  title: 'A VMM that retrieved everything and hot-swapped equal HWPTs can FINISH',
  kind: 'step',
  source: SEED_000,
  statement:
    'If the VMM retrieved every file of the incoming session and every preserved device is on a HWPT it rebuilt with ' +
    'the preserved radix tree (and, under rehydrate, every blob entry is reclaimed and released), SESSION_FINISH ' +
    'finishes the session.',
  check: (prev, a, next) =>
    a.type === 'luo_session_finish' && a.op.op === 'finish' && vmmDidItsPart(sw, prev) && !next.nk.finished
      ? 'the VMM rebuilt everything but SESSION_FINISH is refused (a can_finish stays false): the session can never finish'
      : null,
  witness: {
    title: 'the VMM completed its rebuild and FINISH proceeded',
    reached: (p, a, s) => p !== undefined && a?.type === 'luo_session_finish' && vmmDidItsPart(sw, p) && s.nk.finished,
  },
});
export default make;

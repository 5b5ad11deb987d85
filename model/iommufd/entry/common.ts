/**
 * What several entry points share: the guards of the new kernel's VMM ops
 * and of the boot steps, and the op of the reboot and boot processes.
 */
import { booted } from '../kernel/boot.js';
import { rebootEnabled } from '../kernel/kexec.js';
import { PHASE_FROZEN, PHASE_NEW, PHASE_OLD, type State } from '../state/types.js';

/** The VMM of the new kernel holds the incoming session's fd: RETRIEVE_SESSION returned and the session is neither finished nor closed. */
export function sessionReady(s: State): boolean {
  return s.nk.retrieved && s.session.open;
}

/** The step runs in the new kernel (a menu op accepted in both kernels guards differently there). */
export function inNewKernel(s: State): boolean {
  return s.phase === PHASE_NEW;
}

/**
 * The op of a reboot or boot step (process "reboot" or "boot"; no menu, so
 * its pid and menu index are -1). Its actions are written out field by
 * field, `{ pid: -1, idx: -1, op: KEXEC_OP, type: ... }`: a spread of a
 * shared object followed by new fields takes V8 its slow path, about 3 µs
 * a call, and the reboot's guard runs in every old-kernel state.
 */
export const KEXEC_OP = { op: 'kexec' } as const;

/** The boot stage whose step runs next in `s` (0 B1, 1 B2, 2 B3), -1 when none: not the booting new kernel, a BUG, or booted. */
export function bootStage(s: State): number {
  if (s.phase !== PHASE_NEW || s.nk.bug || booted(s)) return -1;
  return s.boot;
}

/** reboot(KEXEC) runs: it may start (old kernel, every VMM thread between ioctls) or is freezing the files. */
export function rebootRuns(s: State): boolean {
  return s.phase === PHASE_FROZEN || (s.phase === PHASE_OLD && rebootEnabled(s));
}

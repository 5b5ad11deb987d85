/**
 * The LUO outgoing session: PRESERVE_FD's own checks, the FIFO of preserved
 * files with their tokens and token lookup. Closing the session fd, which
 * calls back into every file's handler, is kernel/luo_session.ts.
 *
 * Mirrors kernel/liveupdate/luo_session.c and luo_file.c (torvalds/linux). Left out: CREATE_SESSION (the session
 * exists from the start), several sessions (one session; the global
 * luo_preserved_files check is the same as "file already in the session"),
 * FLB preserve/unpreserve, freeze/unfreeze and reboot (the kexec phases).
 *
 * The required PRESERVE_FD order (memfd, then iommufd, then VFIO cdev) is not
 * a LUO rule: it emerges from the handlers' own checks, the session token
 * lookup in check_iopt_pages_preserved and preserved_state in
 * iommu_preserve_device, which is what the preserve-order scope explores.
 */
import { EBUSY, EEXIST, type State } from '../state/types.js';

const EBADF = 9;

export function inSession(s: State, file: number): boolean {
  return s.session.files.some((f) => f.file === file);
}

export function tokenInSession(s: State, token: number): boolean {
  return s.session.files.some((f) => f.token === token);
}

/** luo_preserve_file before the handler: -EBADF (session closed), -EEXIST (token used), -EBUSY (file preserved). */
export function luoAdmit(s: State, file: number, token: number): number {
  if (!s.session.open) return EBADF;
  if (tokenInSession(s, token)) return EEXIST;
  if (inSession(s, file)) return EBUSY;
  return 0;
}

/** The handler's preserve succeeded: append to the session. */
export function luoAppend(s: State, file: number, token: number): State {
  return { ...s, session: { ...s.session, files: [...s.session.files, { file, token }] } };
}

export function luoRemove(s: State, file: number): State {
  return { ...s, session: { ...s.session, files: s.session.files.filter((f) => f.file !== file) } };
}

/**
 * The LUO outgoing session: PRESERVE_FD's own checks, the FIFO of preserved
 * files with their tokens, token lookup, and closing the session fd (cancel:
 * every file's unpreserve callback in reverse order).
 *
 * Mirrors kernel/liveupdate/luo_session.c and luo_file.c (torvalds/linux) as
 * described in DOMAIN.md 2 and 3.2. Left out: CREATE_SESSION (the session
 * exists from the start), several sessions (one session; the global
 * luo_preserved_files check is the same as "file already in the session"),
 * FLB preserve/unpreserve, freeze/unfreeze and reboot (the kexec phases).
 *
 * The required PRESERVE_FD order (memfd, then iommufd, then VFIO cdev) is not
 * a LUO rule: it emerges from the handlers' own checks, the session token
 * lookup in check_iopt_pages_preserved and preserved_state in
 * iommu_preserve_device, which is what the preserve-order scope explores.
 */
import { iommuUnpreserveDevice } from './iommu_group.js';
import { memfdLuoUnpreserve } from './memfd.js';
import { begin, goTo, luMutexHeld, ret } from '../state/process.js';
import { EBUSY, EEXIST, FILE_CDEV, FILE_IOMMUFD, type Action, type FileRef, type State } from '../state/types.js';

type Release = Extract<Action, { type: 'luo_session_release' }>;
const EBADF = 9;

export function fileId(f: FileRef): number {
  return f.kind === 'memfd' ? f.memfd : f.kind === 'iommufd' ? FILE_IOMMUFD : FILE_CDEV + f.dev;
}

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

/** The file luo_session_release unpreserves next (the last one), -1 when none is left. */
export function lastFile(s: State): number {
  return s.session.files[s.session.files.length - 1]?.file ?? -1;
}

/** The closing thread may take the iommufd's unpreserve next only when lu_mutex is free. */
export function releaseEnabled(s: State): boolean {
  const last = s.session.files[s.session.files.length - 1];
  return !s.session.open || last?.file !== FILE_IOMMUFD || !luMutexHeld(s);
}

/**
 * luo_session_release, one step per file from the last: memfd and cdev
 * unpreserve in one step each; the iommufd's unpreserve callback takes
 * lu_mutex and continues as iommufd_liveupdate_unpreserve steps. With no file
 * left the session is gone.
 */
export function luoSessionRelease(s: State, a: Release): State {
  const t = s.threads[a.pid]!;
  const start = (n: State, locals = {}) => (t.op < 0 ? begin(n, a.pid, a.idx, 'CLOSE', locals) : goTo(n, a.pid, 'CLOSE', locals));
  if (!s.session.open) return ret(s, a.pid, a.idx); // -EBADF
  const last = s.session.files[s.session.files.length - 1];
  if (!last) return ret({ ...s, session: { open: false, files: [] } }, a.pid, a.idx);
  if (last.file === FILE_IOMMUFD) {
    const n = start(s);
    return goTo(n, a.pid, 'UNPRESERVE', { cur: -1, rc: 0 });
  }
  const n = last.file >= FILE_CDEV ? iommuUnpreserveDevice(s, last.file - FILE_CDEV) : memfdLuoUnpreserve(s, last.file);
  return start(luoRemove(n, last.file));
}

/**
 * Closing the outgoing session fd (cancel): luo_session_release calls every
 * preserved file's unpreserve callback, last file first, through the file
 * handlers (memfd_luo, the iommufd, the VFIO cdev). The session's FIFO is
 * kernel/luo.ts; the handlers call into it, so the release, which calls the
 * handlers, is a file of its own.
 *
 * Mirrors luo_session_release and luo_file_unpreserve_files in
 * kernel/liveupdate/luo_session.c and luo_file.c (torvalds/linux).
 */
import { iommuUnpreserveDevice } from './iommu_group.js';
import { luoRemove } from './luo.js';
import { memfdLuoUnpreserve } from './memfd.js';
import { begin, goTo, luMutexHeld, ret } from '../state/process.js';
import { FILE_CDEV, FILE_IOMMUFD, type Action, type State } from '../state/types.js';

type Release = Extract<Action, { type: 'luo_session_release' }>;

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

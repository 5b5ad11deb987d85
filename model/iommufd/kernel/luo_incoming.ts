/**
 * The incoming LUO session in the new kernel: RETRIEVE_SESSION (once; a
 * second one is -EINVAL) and RETRIEVE_FD (any order; a repeat returns the
 * same file and changes nothing), with each handler's retrieve: memfd comes
 * back with its contents and size but no seals; the iommufd's retrieve
 * restores its blob and walks nr_hwpts entries, restoring the domain_ser
 * each domain_data points at (KHO reclaim by physical address); the VFIO
 * cdev comes back and binds to an iommufd, taking the DMA ownership from
 * the token.
 *
 * Mirrors kernel/liveupdate/luo_session.c and luo_file.c (torvalds/linux),
 * mm/memfd_luo.c (DOC: seals are not preserved), and the RFC's iommufd
 * retrieve (samikhawaja/linux iommufd_liveupdate_retrieve: a fresh ictx with
 * lu = blob), DOMAIN.md 3.3 R1. v2 returns -EOPNOTSUPP for the iommufd; the
 * model follows the phase-2 design both `restore` values share.
 *
 * Left out: several sessions, the file-descriptor numbers, sticky retrieve
 * errors (no retrieve here fails but by BUG).
 */
import { setAt, update } from '../state/copy.js';
import { fileId } from '../state/types.js';
import { ret } from '../state/process.js';
import { BUG_EMPTY_ENTRY, FILE_CDEV, FILE_IOMMUFD, type Action, type State } from '../state/types.js';
import { withGroup } from './iommu_group.js';

type RetrieveSession = Extract<Action, { type: 'luo_session_retrieve' }>;
type RetrieveFile = Extract<Action, { type: 'luo_retrieve_file' }>;

/** LIVEUPDATE_IOCTL_RETRIEVE_SESSION (luo_session_retrieve, under the session list lock): -ENOENT without an incoming session, -EINVAL the second time. */
export function luoSessionRetrieve(s: State, a: RetrieveSession): State {
  if (!s.session.open || s.nk.retrieved) return ret(s, a.pid, a.idx);
  return ret({ ...s, nk: { ...s.nk, retrieved: true } }, a.pid, a.idx);
}

/** The index of `file` in the incoming session, -1 if absent. */
export function sessionIndex(s: State, file: number): number {
  return s.session.files.findIndex((f) => f.file === file);
}

export function isRetrieved(s: State, file: number): boolean {
  const i = sessionIndex(s, file);
  return i >= 0 && (s.nk.files & (1 << i)) !== 0;
}

/** iommufd retrieve: kho_restore_folio(blob), then each entry's domain_ser by its PA; PA 0 is no marked page: BUG. */
function iommufdRetrieve(s: State): State {
  if (s.blob.slots.some((x) => x.domain === 0)) return { ...s, nk: { ...s.nk, bug: BUG_EMPTY_ENTRY } };
  return s;
}

/** LIVEUPDATE_SESSION_RETRIEVE_FD (luo_retrieve_file, under session->mutex): the handler's retrieve on the first call, the same file after. */
export function luoRetrieveFile(s: State, a: RetrieveFile): State {
  const file = fileId(a.op.file);
  const i = sessionIndex(s, file);
  if (!s.nk.retrieved || i < 0) return ret(s, a.pid, a.idx); // -EINVAL / -ENOENT
  if (s.nk.files & (1 << i)) return ret(s, a.pid, a.idx); // the same file again
  let n: State = { ...s, nk: { ...s.nk, files: s.nk.files | (1 << i) } };
  if (file === FILE_IOMMUFD) {
    n = iommufdRetrieve(n);
    if (n.nk.bug) return { ...n, threads: setAt(n.threads, a.pid, { ...n.threads[a.pid]!, op: a.idx, pc: 'OOPS' }) };
  } else if (file >= FILE_CDEV) {
    const d = file - FILE_CDEV;
    n = { ...n, devices: update(n.devices, d, (x) => ({ ...x, bound: true })) };
    n = withGroup(n, n.devices[d]!.group, (g) => (g.byToken ? { ...g, byToken: false, owned: true } : g));
  } else {
    n = { ...n, memfds: update(n.memfds, file, (m) => ({ ...m, seals: 0, retrieved: true })) };
  }
  return ret(n, a.pid, a.idx);
}

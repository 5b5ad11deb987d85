/**
 * The incoming LUO session in the new kernel: RETRIEVE_SESSION (once; a
 * second one is -EINVAL) and RETRIEVE_FD (any order; a repeat returns the
 * same file and changes nothing), with each handler's retrieve: memfd comes
 * back with its contents and size but no seals; the VFIO cdev comes back
 * and binds to an iommufd, taking the DMA ownership from the token.
 *
 * The iommufd's retrieve is the switch `retrieve`, since no posted code has
 * the one the phase-2 design needs. v2 as posted returns -EOPNOTSUPP
 * (iommufd_liveupdate_retrieve in the samikhawaja/linux liveupdate.c whose
 * hunks Shrivastava quotes reviewing v2 13/16, 20 May 2026; v1 11/14 the
 * same): retrieve=eopnotsupp, the file never comes back and nothing in the
 * new kernel reads the iommufd blob, so a malformed blob (the count race,
 * 5.2) does no harm there. retrieve=walk is the model's phase-2 guess: the
 * retrieve restores the blob and every entry's domain_ser by physical
 * address, so an entry with domain_data 0 BUGs (restore-no-panic). The RFC
 * (samikhawaja/linux RFC iommufd_liveupdate_retrieve) did neither: it
 * restored only the blob folio (a fresh ictx with lu = blob) and read an
 * entry's domain_data at IOMMU_HWPT_LU_RESTORE, by token; that variant is
 * not modelled (an LU_RESTORE of token 0 would match the empty entry).
 *
 * Mirrors kernel/liveupdate/luo_session.c and luo_file.c (torvalds/linux),
 * mm/memfd_luo.c (DOC: seals are not preserved).
 *
 * Left out: several sessions, the file-descriptor numbers, sticky retrieve
 * errors (no retrieve here fails but by BUG).
 */
import type { Ctx } from '../entry-point.js';
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

/** iommufd retrieve under retrieve=walk: kho_restore_folio(blob), then each entry's domain_ser by its PA; PA 0 is no marked page: BUG. */
function iommufdRetrieve(s: State): State {
  if (s.blob.slots.some((x) => x.domain === 0)) return { ...s, nk: { ...s.nk, bug: BUG_EMPTY_ENTRY } };
  return s;
}

/**
 * LIVEUPDATE_SESSION_RETRIEVE_FD (luo_retrieve_file, under session->mutex):
 * the handler's retrieve on the first call, the same file after. A handler
 * that fails (the iommufd's under retrieve=eopnotsupp) leaves the file not
 * retrieved; every later call fails the same way.
 */
export function luoRetrieveFile(ctx: Ctx, s: State, a: RetrieveFile): State {
  const file = fileId(a.op.file);
  const i = sessionIndex(s, file);
  if (!s.nk.retrieved || i < 0) return ret(s, a.pid, a.idx); // -EINVAL / -ENOENT
  if (s.nk.files & (1 << i)) return ret(s, a.pid, a.idx); // the same file again
  if (file === FILE_IOMMUFD && ctx.sw.retrieve === 'eopnotsupp') return ret(s, a.pid, a.idx); // -EOPNOTSUPP
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

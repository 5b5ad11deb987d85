/**
 * LIVEUPDATE_SESSION_FINISH and the close of an incoming session (cancel).
 * FINISH asks every file's can_finish first; any false makes it fail with
 * nothing changed (retry later). Then each handler's finish runs, last
 * file first, and the FLB finish after the last one returns the FLB pages.
 * A close of the incoming session without FINISH runs the same finish
 * callbacks for the files without asking can_finish.
 *
 * Mirrors kernel/liveupdate/luo_session.c and luo_file.c (torvalds/linux:
 * luo_file_can_finish, luo_file_finish), the RFC iommufd can_finish (fd
 * retrieved, every entry reclaimed, no restored HWPT still attached) for
 * restore=rehydrate, and the policies Khawaja and Gunthorpe discuss (1 Oct
 * 2025, <CAAywjhRKvZBShj7KAXew2v_uGjn3HhvO=sFrZ=bVfMJ8ye-Vyw@mail.gmail.com>) for a restored domain
 * nobody reclaimed (switch `finish`): `refuse` (v2: iommufd can_finish is
 * always false), `leave` it attached (Gunthorpe: finish does nothing on the
 * restore path), switch to `blocking` (Khawaja), or `flr`: an unclaimed
 * device (its cdev never retrieved) gets an FLR, the blocking domain and
 * loses the token's ownership; a claimed one gets the blocking domain
 * (Gunthorpe: de-owning needs an FLR first).
 *
 * Left out: sticky per-file finish errors, several sessions.
 */
import type { Ctx } from '../entry-point.js';
import type { Switches } from '../scopes/variants.js';
import { update } from '../state/copy.js';
import { onUnclaimedRestored } from './boot.js';
import { withGroup } from './iommu_group.js';
import { NO_BLOB } from './kho.js';
import { isRetrieved } from './luo_incoming.js';
import { ret } from '../state/process.js';
import { freeRestoredIfUnused } from './rebuild.js';
import { BLOCKING_DOMAIN, FILE_CDEV, FILE_IOMMUFD, type Action, type State } from '../state/types.js';

type Finish = Extract<Action, { type: 'luo_session_finish' }>;

/** The iommufd's can_finish. */
export function iommufdCanFinish(sw: Switches, s: State): boolean {
  if (sw.finish === 'refuse') return false;
  if (sw.restore === 'rebuild') return true;
  const all = (1 << s.blob.nr) - 1;
  const attachedRestored = s.hwpts.some((h) => h.alive && h.restored >= 0 && h.users > 1);
  return isRetrieved(s, FILE_IOMMUFD) && (s.blob.reclaimed & all) === all && !attachedRestored;
}

/** luo_file_can_finish over every file of the session. */
export function canFinishAll(sw: Switches, s: State): boolean {
  return s.session.files.every((f) => f.file !== FILE_IOMMUFD || iommufdCanFinish(sw, s));
}

/** The cdev's finish: the `finish` policy for a group still on a restored domain nobody reclaimed (a rehydrated HWPT is the VMM's). */
function cdevFinish(ctx: Ctx, s: State, d: number): State {
  const dev = s.devices[d]!;
  const from = onUnclaimedRestored(s, dev.group);
  if (from < 0 || ctx.sw.finish === 'leave' || ctx.sw.finish === 'refuse') return s;
  let n = s;
  if (ctx.sw.finish === 'flr' && !dev.bound) {
    n = { ...n, devices: update(n.devices, d, (x) => ({ ...x, busMaster: false })) }; // pcie_flr
    n = withGroup(n, dev.group, (g) => ({ ...g, domain: BLOCKING_DOMAIN, owned: false, byToken: false }));
  } else {
    n = withGroup(n, dev.group, (g) => ({ ...g, domain: BLOCKING_DOMAIN }));
  }
  return freeRestoredIfUnused(n, from);
}

/** Every handler's finish, last file first, then the FLB finish. */
function finishFiles(ctx: Ctx, s: State): State {
  let n = s;
  for (let i = s.session.files.length - 1; i >= 0; i--) {
    const f = s.session.files[i]!.file;
    if (f === FILE_IOMMUFD) n = { ...n, blob: NO_BLOB }; // kho_restore_free of the blob
    else if (f >= FILE_CDEV) n = cdevFinish(ctx, n, f - FILE_CDEV);
    else if (!isRetrieved(n, f)) n = { ...n, memfds: update(n.memfds, f, (m) => ({ ...m, preserved: false })) }; // memfd_luo_finish: folios freed (kho keeps what KHO handed over)
  }
  for (let h = 0; h < ctx.scope.hwpts.length; h++) n = freeRestoredIfUnused(n, h);
  return { ...n, nk: { ...n.nk, flb: false } };
}

/**
 * SESSION_FINISH (op finish; luo_session_finish under session->mutex): fails with nothing changed while a can_finish
 * is false (the op stays in the menu: retry allowed). The close of the
 * incoming session fd (op close_session): the finish callbacks, no can_finish.
 */
export function luoSessionFinish(ctx: Ctx, s: State, a: Finish): State {
  if (!s.session.open || !s.nk.retrieved) return ret(s, a.pid, a.idx);
  const cancel = a.op.op === 'close_session';
  if (!cancel && !canFinishAll(ctx.sw, s)) return s;
  const n = finishFiles(ctx, s);
  return ret({ ...n, session: { ...n.session, open: false }, nk: { ...n.nk, finished: !cancel, cancelled: cancel } }, a.pid, a.idx);
}

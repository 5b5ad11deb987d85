/**
 * The iommufd context: the objects xarray with IOMMUFD_OBJ_LIVEUPDATE_MARK,
 * object references, and IOMMU_DESTROY.
 *
 * Mirrors drivers/iommu/iommufd/main.c (torvalds/linux: iommufd_object_remove,
 * iommufd_lock_obj, iommufd_put_object) and the v2 mark. Left out: two-phase
 * insert (objects exist from the start), shortterm_users (no step waits on
 * them), the tombstone, IOAS and device destroy.
 */
import { unpinIfNoDomain } from './io_pagetable.js';
import type { Ctx } from '../entry-point.js';
import { update } from '../state/copy.js';
import { domainsReadHeld, inFlightRefs, ret } from '../state/process.js';
import type { Action, HwptPaging, State } from '../state/types.js';

/** xa_for_each_marked(&ictx->objects, ..., IOMMUFD_OBJ_LIVEUPDATE_MARK) over HWPT_PAGING: the first index after `after`. */
export function nextMarked(s: State, after: number, pred: (h: HwptPaging) => boolean = () => true): number {
  for (let i = after + 1; i < s.hwpts.length; i++) {
    const h = s.hwpts[i]!;
    if (h.alive && h.marked && pred(h)) return i;
  }
  return -1;
}

export function markedCount(s: State): number {
  return s.hwpts.filter((h) => h.alive && h.marked).length;
}

export function addUsers(s: State, h: number, delta: number): State {
  return { ...s, hwpts: update(s.hwpts, h, (x) => ({ ...x, users: x.users + delta })) };
}

export function attachedCount(s: State, h: number): number {
  return s.devices.filter((d) => d.hwpt === h).length;
}

/** users the bookkeeping accounts for: the xarray, attached devices, iommufd_lock_obj references. */
export function expectedUsers(s: State, h: number): number {
  const x = s.hwpts[h]!;
  return 1 + attachedCount(s, h) + (x.preserved ? 1 : 0) + inFlightRefs(s, h);
}

/**
 * IOMMU_DESTROY (iommufd_destroy -> iommufd_object_remove): under xa_lock,
 * refcount_dec_if_one(users) or -EBUSY; erase the entry (its marks go with
 * it). Then iommufd_hwpt_paging_destroy: iopt_table_remove_domain under
 * domains_rwsem write and free the domain. Modelled as one step that waits
 * while a MAP_FILE holds domains_rwsem read on the IOAS.
 */
export function destroyEnabled(ctx: Ctx, s: State, a: Extract<Action, { type: 'iommufd_destroy' }>): boolean {
  const h = s.hwpts[a.op.hwpt]!;
  return !h.alive || h.users !== 1 || !domainsReadHeld(ctx, s, h.ioas);
}

export function iommufdDestroy(s: State, a: Extract<Action, { type: 'iommufd_destroy' }>): State {
  const h = s.hwpts[a.op.hwpt]!;
  if (!h.alive || h.users !== 1) return ret(s, a.pid, a.idx); // -ENOENT / -EBUSY
  const freed: HwptPaging = {
    ...h,
    alive: false,
    marked: false,
    users: 0,
    domain: { ...h.domain, leaves: h.domain.leaves.map(() => -1), tables: 0 },
  };
  return ret(unpinIfNoDomain({ ...s, hwpts: update(s.hwpts, a.op.hwpt, () => freed) }, h.ioas), a.pid, a.idx);
}

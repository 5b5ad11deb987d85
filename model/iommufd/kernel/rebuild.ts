/**
 * The VMM's rebuild in the new kernel and the hot-swap.
 * restore=rebuild (Gunthorpe, 7 Oct 2024 and 1 Oct 2025): HWPT_ALLOC on the new IOAS builds D'
 * from its areas; attaching a device whose group is on the restored domain D
 * is an iommu_group_replace_domain(D -> D'), which under verify=compare first
 * compares the two radix trees (refused with -EINVAL when they differ); the
 * core frees D once no group is on it. IOAS-only users (attach_ioas) get an
 * auto domain built from the IOAS as it is at attach, so they cannot
 * prepare D' first. restore=rehydrate (the RFC, Gowans, 16 Sep 2024):
 * IOMMU_HWPT_LU_RESTORE(token) wraps D in a HWPT and sets the entry's
 * `reclaimed` (once), under luRestore=memfds only if the VMM holds the
 * memfds D maps (the RFC code checks nothing of the kind); D is freed when
 * that HWPT is destroyed.
 *
 * Mirrors drivers/iommu/iommufd/hw_pagetable.c (iommufd_hwpt_paging_alloc,
 * iommufd_hw_pagetable_attach), device.c (iommufd_device_auto_get_domain),
 * the generic_pt tree compare Jason Gunthorpe describes (7 Oct 2024,
 * <20241007151633.GO2456194@ziepe.ca>), samikhawaja/linux RFC
 * iommufd_hwpt_lu_restore, and drivers/iommu/iommu.c
 * (iommu_device_use_default_domain: -EBUSY on an owned group).
 *
 * Left out: page sizes and prot in the compare (IOVA -> PA only), the
 * iommufd object ids (the menu names the HWPT slot each ioctl fills),
 * per-device REPLACE bookkeeping (the hot-swap moves every bound idev of the
 * group under every value of `replace`: replace=per-device is not applied
 * after kexec, which no lifecycle scope has a multi-device group to show;
 * see docs/model-limits.md).
 */
import type { Ctx } from '../entry-point.js';
import { update } from '../state/copy.js';
import { onRestoredDomain, restoreDomain } from './boot.js';
import { domainMap, emptyDomain } from './hw_pagetable.js';
import { mappedAreas, pinArea, unpinIfNoDomain, withIoas } from './io_pagetable.js';
import { withGroup } from './iommu_group.js';
import { isRetrieved } from './luo_incoming.js';
import { getFolio, memfdOfPfn } from './pages.js';
import { ret } from '../state/process.js';
import { DEFAULT_DOMAIN, FILE_IOMMUFD, RS_FREED, RS_NONE, type Action, type Domain, type HwptPaging, type State } from '../state/types.js';

type Alloc = Extract<Action, { type: 'iommufd_hwpt_alloc' }>;
type Hotswap = Extract<Action, { type: 'iommufd_device_hotswap' }>;
type LuRestore = Extract<Action, { type: 'iommufd_hwpt_lu_restore' }>;
type DestroyRestored = Extract<Action, { type: 'iommufd_destroy_restored' }>;
type BindDriver = Extract<Action, { type: 'iommu_device_use_default_domain' }>;

/** The table a HWPT slot translates through: its own domain, or the restored one it wraps. */
export function domainOf(s: State, k: number): Domain {
  const r = s.hwpts[k]!.restored;
  return s.hwpts[r >= 0 ? r : k]!.domain;
}

/** The generic_pt compare of two radix trees: the same IOVA -> PA everywhere. */
export function sameTree(a: Domain, b: Domain): boolean {
  return a.leaves.every((pfn, i) => b.leaves[i] === pfn);
}

function withHwpt(s: State, k: number, f: (h: HwptPaging) => HwptPaging): State {
  return { ...s, hwpts: update(s.hwpts, k, f) };
}

/**
 * iommufd_hwpt_paging_alloc into slot k: a new domain filled from every
 * mapped area of the IOAS (iopt_table_add_domain: an area not pinned yet is
 * pinned now; a page past EOF fails the alloc, undefined).
 */
function allocHwpt(s: State, ioas: number, k: number): State | undefined {
  let n = s;
  let d = emptyDomain(s.hwpts[k]!.domain.leaves.length);
  for (const x of mappedAreas(s.ioas[ioas]!)) {
    let pfn = x.pfn;
    if (pfn < 0) {
      [n, pfn] = getFolio(n, x.memfd, x.page);
      if (pfn < 0) return undefined;
      n = withIoas(n, ioas, (io) => pinArea(io, x.iova, pfn));
    }
    d = domainMap(d, x.iova, pfn);
  }
  return withHwpt(n, k, () => ({ alive: true, ioas, marked: false, token: 0, preserved: false, users: 1, domain: d, restored: -1 }));
}

/**
 * IOMMU_HWPT_ALLOC on the new IOAS (iommufd_hwpt_alloc: iopt_table_add_domain
 * under domains_rwsem write, then iommufd_object_finalize under xa_lock; one
 * step, the new kernel's VMM has one thread). -EEXIST stands for "the slot is taken".
 */
export function iommufdHwptAlloc(s: State, a: Alloc): State {
  if (s.hwpts[a.op.hwpt]!.alive) return ret(s, a.pid, a.idx);
  return ret(allocHwpt(s, a.op.ioas, a.op.hwpt) ?? s, a.pid, a.idx);
}

/** The core frees restored domain h once no group is on it and no HWPT wraps it. */
export function freeRestoredIfUnused(s: State, h: number): State {
  const used = s.groups.some((g) => g.domain === h) || s.hwpts.some((x) => x.alive && x.restored === h);
  if (used || s.hwpts[h]!.domain.restored === RS_NONE) return s;
  return withHwpt(s, h, (x) => ({ ...x, domain: { ...x.domain, restored: RS_FREED } }));
}

/**
 * ATTACH/REPLACE of a bound device to HWPT slot k (attach_ioas: to an auto
 * domain allocated in slot k first), under igroup->lock and group->mutex
 * (iommufd_hw_pagetable_attach -> iommu_group_replace_domain): from a restored
 * domain, verify=compare refuses a different tree; then the whole group
 * moves to k (context entries rewritten), every bound idev of it records
 * k, and the group is owned by the iommufd instead of the token.
 */
export function iommufdDeviceHotswap(ctx: Ctx, s: State, a: Hotswap): State {
  const k = a.op.hwpt;
  const dev = s.devices[a.op.dev]!;
  const auto = a.op.op === 'attach_ioas';
  if (!dev.bound || (auto && s.hwpts[k]!.alive)) return ret(s, a.pid, a.idx);
  const alloc = a.op.op === 'attach_ioas' ? allocHwpt(s, a.op.ioas, k) : s;
  if (!alloc) return ret(s, a.pid, a.idx);
  let n = alloc;
  const g = dev.group;
  const cur = n.groups[g]!.domain;
  if (!n.hwpts[k]!.alive || cur === k) return ret(s, a.pid, a.idx);
  const from = onRestoredDomain(n, g);
  if (from >= 0 && ctx.sw.verify === 'compare' && !sameTree(domainOf(n, k), n.hwpts[from]!.domain)) return ret(s, a.pid, a.idx); // -EINVAL
  n.devices.forEach((d, i) => {
    if (d.group !== g || !d.bound) return;
    if (d.hwpt >= 0) n = withHwpt(n, d.hwpt, (x) => ({ ...x, users: x.users - 1 }));
    n = withHwpt({ ...n, devices: update(n.devices, i, (x) => ({ ...x, hwpt: k })) }, k, (x) => ({ ...x, users: x.users + 1 }));
  });
  n = withGroup(n, g, (x) => ({ ...x, domain: k, hwpt: k, owned: true, byToken: false }));
  if (from >= 0) n = freeRestoredIfUnused(n, from);
  return ret(n, a.pid, a.idx);
}

/**
 * Every page restored domain h maps belongs to a memfd the VMM retrieved
 * (luRestore=memfds). Derived, not in any posted code: a HWPT handed back
 * without it keeps DMA going into folios that FINISH or the close of the
 * session frees. The RFC design's iommufd_hwpt_lu_restore (samikhawaja/linux,
 * the RFC version of drivers/iommu/iommufd/liveupdate.c, the one with
 * lu_map_immutable; RFC v2 cover: Samiullah Khawaja, 2 Dec 2025,
 * <20251202230303.1017519-1-skhawaja@google.com>) checks no memfd: it finds the unreclaimed entry with the token, wraps
 * domain_ser->restored_domain in a new HWPT and sets reclaimed
 * (luRestore=unchecked).
 */
function backedByRetrieved(s: State, h: number): boolean {
  return s.hwpts[h]!.domain.leaves.every((pfn) => pfn < 0 || s.memfds[memfdOfPfn(pfn)]!.retrieved);
}

/**
 * IOMMU_HWPT_LU_RESTORE(token) into slot k (iommufd_hwpt_lu_restore, under
 * ictx->liveupdate_mutex, the HWPT finalized under xa_lock): the blob entry
 * with the token, reclaimed once; its domain restored if no probe did; with
 * luRestore=memfds only once the VMM retrieved every memfd the domain maps.
 */
export function iommufdHwptLuRestore(ctx: Ctx, s: State, a: LuRestore): State {
  const i = s.blob.slots.findIndex((x) => x.domain !== 0 && x.token === a.op.token);
  if (!isRetrieved(s, FILE_IOMMUFD) || i < 0 || s.hwpts[a.op.hwpt]!.alive) return ret(s, a.pid, a.idx); // -ENOENT / -EEXIST
  if (s.blob.reclaimed & (1 << i)) return ret(s, a.pid, a.idx); // -EINVAL: reclaimed already
  const h = s.blob.slots[i]!.domain - 1;
  if (s.hwpts[h]!.domain.restored === RS_FREED) return ret(s, a.pid, a.idx); // the core freed it after a hot-swap
  if (ctx.sw.luRestore === 'memfds' && !backedByRetrieved(s, h)) return ret(s, a.pid, a.idx); // -EINVAL: the VMM does not hold the guest memory
  let n = restoreDomain(s, h);
  if (n.nk.bug) return ret(n, a.pid, a.idx);
  n = withHwpt(n, a.op.hwpt, (x) => ({ ...x, alive: true, ioas: -1, users: 1, restored: h, domain: emptyDomain(x.domain.leaves.length) }));
  return ret({ ...n, blob: { ...n.blob, reclaimed: n.blob.reclaimed | (1 << i) } }, a.pid, a.idx);
}

/** IOMMU_DESTROY in the new kernel (iommufd_object_remove under xa_lock): -EBUSY unless users == 1; a HWPT wrapping a restored domain frees it (if no group is still on it). */
export function iommufdDestroyRestored(s: State, a: DestroyRestored): State {
  const x = s.hwpts[a.op.hwpt]!;
  if (!x.alive || x.users !== 1) return ret(s, a.pid, a.idx);
  const n = withHwpt(s, a.op.hwpt, (h) => ({ ...h, alive: false, users: 0, domain: emptyDomain(h.domain.leaves.length) }));
  const u = unpinIfNoDomain(n, x.ioas);
  return ret(x.restored >= 0 ? freeRestoredIfUnused(u, x.restored) : u, a.pid, a.idx);
}

/** A kernel (non-VFIO) driver binds: iommu_device_use_default_domain, under group->mutex, is -EBUSY while the group is DMA-owned. */
export function iommuDeviceUseDefaultDomain(s: State, a: BindDriver): State {
  const dev = s.devices[a.op.dev]!;
  if (s.groups[dev.group]!.owned) return ret(s, a.pid, a.idx);
  const n = withGroup(s, dev.group, (g) => ({ ...g, domain: DEFAULT_DOMAIN }));
  return ret({ ...n, devices: update(n.devices, a.op.dev, (d) => ({ ...d, busMaster: true, bound: false })) }, a.pid, a.idx);
}

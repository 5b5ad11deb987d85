/**
 * State and action types of the iommufd live-update model.
 *
 * Mirrors drivers/iommu/iommufd/iommufd_private.h and io_pagetable.h of the
 * "iommu: live update" v2 series (cover 20260427175633.1978233-1-skhawaja@google.com,
 * as reviewed by Pranjal Shrivastava, 20 May 2026, in the thread of v2 13/16), plus the LUO,
 * KHO and memfd records the preserve path touches.
 *
 * Across kexec: the VT-d context entry of every
 * device (State.ctx: which page table the hardware walks for it), bus
 * mastering, the incoming LUO session, the restore state of every
 * preserved domain and the FLB. The RAM of an old kernel's domain stays in
 * its HWPT slot after the jump (the slot's object is gone, its table pages
 * are either KHO-preserved or free memory); the new kernel's HWPTs use the
 * slots after the old ones.
 *
 * Left out: HWPT_NESTED, iommufd_access, PASIDs beyond one PASID-table entry
 * per device, dirty tracking, IOVA allocation (every area is one page at a
 * fixed IOVA slot), USER and DMABUF iopt_pages (every area comes from
 * IOAS_MAP_FILE), IOMMU units (one unit; the FLB arrays are the
 * domain_ser/device_ser flags and State.nk.flb), DIDs and the IOTLB, and
 * page contents (see docs/model-limits.md for why each is harmless).
 *
 * Every index is 0-based (hwpt 0 is printed "hwpt1"). States are plain
 * readonly data; a transition copies only the branch it changes.
 */

/** Which lifecycle phase the kernel is in: the old kernel, reboot(KEXEC) freezing files, or the new kernel. */
export const PHASE_OLD = 0;
export const PHASE_FROZEN = 1;
export const PHASE_NEW = 2;
export type Phase = typeof PHASE_OLD | typeof PHASE_FROZEN | typeof PHASE_NEW;

export * from './types-kexec.js';
import type { Incoming } from './types-kexec.js';

/** memfd seals (include/uapi/linux/fcntl.h values). */
export const F_SEAL_SEAL = 0x1;
export const F_SEAL_SHRINK = 0x2;
export const F_SEAL_GROW = 0x4;
export const F_SEAL_WRITE = 0x8;
/** What check_iopt_pages_preserved requires of every memfd behind a preserved IOAS. */
export const REQUIRED_SEALS = F_SEAL_SEAL | F_SEAL_GROW | F_SEAL_SHRINK;
export const SEAL_NAMES: readonly (readonly [string, number])[] = [
  ['SEAL', F_SEAL_SEAL],
  ['SHRINK', F_SEAL_SHRINK],
  ['GROW', F_SEAL_GROW],
  ['WRITE', F_SEAL_WRITE],
];

/** Errno values carried in thread locals and labels. */
export const EPERM = 1;
export const ENOENT = 2;
export const ENOMEM = 12;
export const EBUSY = 16;
export const EEXIST = 17;
export const EINVAL = 22;

/**
 * iommu_group.domain when it is not a HWPT's domain. In the new kernel a
 * group whose domain is the index of an old kernel's (dead) HWPT slot is on
 * the domain iommu_restore_domain rebuilt from that slot's tables.
 */
export const DEFAULT_DOMAIN = -1;
export const BLOCKING_DOMAIN = -2;
/** group->domain unset (the new kernel before the group's first device is probed). */
export const NO_DOMAIN = -3;


/** Physical memory layout: memfd m owns the pfns [m * PAGES_PER_MEMFD, (m + 1) * PAGES_PER_MEMFD). */
export const PAGES_PER_MEMFD = 8;

/** Leaf tables of the radix tree each cover this many IOVA slots; the root covers all. */
export const TABLE_SPAN = 2;

/** LUO file ids: memfd m is m, the iommufd is FILE_IOMMUFD, the VFIO cdev of device d is FILE_CDEV + d. */
export const FILE_IOMMUFD = 100;
export const FILE_CDEV = 200;

export interface Memfd {
  /** F_ADD_SEALS only adds; SEAL stops further adds. */
  readonly seals: number;
  /** i_size, in pages. */
  readonly size: number;
  /**
   * The page cache (i_mapping): per page index the folio there, -1 for a hole
   * or past EOF. A folio is an id in the memfd's pool (pages.ts: its pfn is
   * pfnOf(memfd, folio)); truncation removes a folio from the cache even while
   * iommufd pins it, and a hole filled later gets a new folio.
   */
  readonly cache: readonly number[];
  /** Folios memfd_luo_preserve pinned and KHO-marked (bit f: folio f); the new kernel restores exactly these. */
  readonly kho: number;
  /** SHMEM_F_MAPPING_FROZEN, set by memfd_luo preserve. */
  readonly frozen: boolean;
  /** memfd_luo preserved it (in the session; its folios are in `kho`). */
  readonly preserved: boolean;
  /** New kernel: RETRIEVE_FD returned it (unsealed). */
  readonly retrieved: boolean;
}

export interface IoptArea {
  readonly iova: number;
  /** iopt_pages.file and the page of it this area maps. */
  readonly memfd: number;
  readonly page: number;
  /** iopt_pages.seals, the snapshot taken by iopt_alloc_file_pages (M1). */
  readonly seals: number;
  /** The pfn iommufd pinned for it (memfd_pin_folios when a domain was first filled from it), -1 while none was. */
  readonly pfn: number;
  /** area.pages != NULL: false from insertion (M2) until the map completes (M4). */
  readonly pages: boolean;
}

export interface Ioas {
  /** iopt.area_itree, sorted by IOVA. */
  readonly areas: readonly IoptArea[];
  /** liveupdate_immutable: 0/1 with immutability=flag, immutable_cnt with =refcount. */
  readonly immutable: number;
}

/** An iommu_domain as generic_pt keeps it: a root table, leaf tables, leaves. */
export interface Domain {
  /** Per IOVA slot the pfn it translates to, -1 when not mapped. */
  readonly leaves: readonly number[];
  /** Bit t: the leaf table covering slots [t*TABLE_SPAN, (t+1)*TABLE_SPAN) is allocated. */
  readonly tables: number;
  /** KHO marks on this domain's table pages: bit 0 the root, bit 1+t leaf table t. */
  readonly kho: number;
  /** domain.preserved_state (a domain_ser exists; after kexec: an entry of the FLB domains array). */
  readonly preservedState: boolean;
  /** New kernel: RS_NONE, RS_LIVE (iommu_restore_domain reclaimed the tables), RS_FREED. */
  readonly restored: number;
}

export interface HwptPaging {
  /** Present in ictx.objects (false once IOMMU_DESTROY erased it). */
  readonly alive: boolean;
  readonly ioas: number;
  /** IOMMUFD_OBJ_LIVEUPDATE_MARK on its xarray entry. */
  readonly marked: boolean;
  readonly token: number;
  /** liveupdate_preserved. */
  readonly preserved: boolean;
  /** obj.users: 1 for the xarray, +1 per attached device, +1 per iommufd_lock_obj held. */
  readonly users: number;
  readonly domain: Domain;
  /** restore=rehydrate: IOMMU_HWPT_LU_RESTORE wrapped the restored domain of this old slot (-1: its own domain). */
  readonly restored: number;
}

export interface Device {
  readonly group: number;
  /** The HWPT this idev's bookkeeping names (-1 when detached). */
  readonly hwpt: number;
  /** iommu_preserve_device ran: dev->iommu->device_ser exists (after kexec: incoming state; never cleared here). */
  readonly preserved: boolean;
  /** PCI_COMMAND_MASTER: the device issues DMA through its context entry. */
  readonly busMaster: boolean;
  /** The VFIO cdev is bound to an iommufd (new kernel: retrieved and bound). */
  readonly bound: boolean;
  /** The context entry at kexec for a preserved device (the translation DMA must keep), -1 otherwise. */
  readonly atFreeze: number;
  /** A PASID-table entry of the device is present in the hardware. */
  readonly pasid: boolean;
}

export interface IommuGroup {
  /** Active domain: a HWPT index, DEFAULT_DOMAIN or BLOCKING_DOMAIN (what the hardware walks). */
  readonly domain: number;
  /** DMA ownership claimed (owner set, owner_cnt > 0). */
  readonly owned: boolean;
  /** iommufd_group.hwpt (-1 when no device of the group is attached). */
  readonly hwpt: number;
  /** The owner is the LUO token cookie set when the restored domain was attached at probe (v1 08/14). */
  readonly byToken: boolean;
}

export interface LuoFile {
  readonly file: number;
  readonly token: number;
}

export interface Session {
  /** The outgoing session fd is open. */
  readonly open: boolean;
  /** Preserved files in PRESERVE_FD order. */
  readonly files: readonly LuoFile[];
}

export interface BlobSlot {
  readonly token: number;
  /** domain_data: 0, or 1 + the HWPT whose domain_ser it points to. */
  readonly domain: number;
}

/** The outgoing iommufd_ser (kho_alloc_preserve'd). */
export interface IommufdSer {
  readonly allocated: boolean;
  readonly nr: number;
  readonly slots: readonly BlobSlot[];
  /**
   * A hwpt_array write at an index >= nr_hwpts happened (it is recorded, not
   * stored). @bookkeeping: a flag the writer sets, no invariant reads it.
   */
  readonly overflow: boolean;
  /** New kernel: bit i = hwpt_array[i].reclaimed (IOMMU_HWPT_LU_RESTORE). */
  readonly reclaimed: number;
}


/** Program counters: the lock point each thread stands at (PlusCal labels). */
export const PCS = [
  'idle',
  'M2', 'M3', 'M4',
  'P1', 'P2', 'P3a', 'P3c_imm', 'P3c_check', 'P3c_domain', 'P3c_err', 'P3e',
  'UNPRESERVE', 'CLOSE', 'OOPS',
] as const;
export type Pc = (typeof PCS)[number];

export interface VmmThread {
  /** Bit i: menu op i has returned. */
  readonly done: number;
  /** Menu index of the op in progress, -1 when idle. */
  readonly op: number;
  readonly pc: Pc;
  /** preserve P1: nr_hwpts. */
  readonly nr: number;
  /** preserve P3b: the hwpt_array index of the HWPT in hand (-1 before the first). */
  readonly slot: number;
  /** preserve/unpreserve: the HWPT in hand, also the xarray cursor (-1 before the first). */
  readonly cur: number;
  /** iommufd_preserve_hwpt: ioas_made_immutable (flag) or "took a share" (refcount). */
  readonly made: boolean;
  /** hwptCount=stable: HWPTs locked at P1 and not yet reached by P3. */
  readonly held: number;
  /** MAP_FILE M1: the seals snapshot for iopt_pages. */
  readonly seals: number;
  /** Error carried to the return of the unwind (0 in the unpreserve callback). */
  readonly rc: number;
}

export interface State {
  readonly phase: Phase;
  /** reboot(KEXEC): files frozen so far (FIFO order). */
  readonly frozen: number;
  /** New kernel: boot stage (0 before B1, 1 after B1, 2 after B2). */
  readonly boot: number;
  /** New kernel: bit d = device d was probed (B3, lowest unprobed first). */
  readonly probed: number;
  /**
   * 0, or 1 + the thread whose kernel path oopsed (it holds its locks forever).
   * @bookkeeping: set by the step that oopses, so no invariant reads it.
   */
  readonly oops: number;
  readonly memfds: readonly Memfd[];
  readonly ioas: readonly Ioas[];
  readonly hwpts: readonly HwptPaging[];
  readonly devices: readonly Device[];
  readonly groups: readonly IommuGroup[];
  /** The IOMMU hardware: the context entry of every device (CTX_NONE, CTX_DEFAULT or a HWPT slot). */
  readonly ctx: readonly number[];
  /** Outgoing session in the old kernel; after kexec the incoming one (open = not yet finished or closed). */
  readonly session: Session;
  readonly blob: IommufdSer;
  readonly nk: Incoming;
  readonly threads: readonly VmmThread[];
}

/** A file a PRESERVE_FD names. */
export type FileRef =
  | { readonly kind: 'memfd'; readonly memfd: number }
  | { readonly kind: 'iommufd' }
  | { readonly kind: 'cdev'; readonly dev: number };

/** The LUO file id of `f` (see FILE_IOMMUFD). */
export function fileId(f: FileRef): number {
  return f.kind === 'memfd' ? f.memfd : f.kind === 'iommufd' ? FILE_IOMMUFD : FILE_CDEV + f.dev;
}

/** One entry of a VMM thread's menu: an ioctl (or syscall) it may issue once. */
export type Op =
  | { readonly op: 'map_file'; readonly ioas: number; readonly memfd: number; readonly page: number; readonly iova: number }
  | { readonly op: 'unmap'; readonly ioas: number; readonly iova: number }
  | { readonly op: 'destroy'; readonly hwpt: number }
  | { readonly op: 'attach'; readonly dev: number; readonly hwpt: number }
  | { readonly op: 'replace'; readonly dev: number; readonly hwpt: number }
  | { readonly op: 'detach'; readonly dev: number }
  | { readonly op: 'mark_preserve'; readonly hwpt: number; readonly token: number }
  | { readonly op: 'add_seals'; readonly memfd: number; readonly seals: number }
  /** ftruncate(memfd, size pages). */
  | { readonly op: 'ftruncate'; readonly memfd: number; readonly size: number }
  /** fallocate(memfd, page): allocate the page (mode 0), or FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE it (punch). */
  | { readonly op: 'fallocate'; readonly memfd: number; readonly page: number; readonly punch: boolean }
  | { readonly op: 'preserve_fd'; readonly file: FileRef; readonly token: number }
  | { readonly op: 'close_session' }
  // New kernel (steps R1-F1):
  | { readonly op: 'retrieve_session' }
  | { readonly op: 'retrieve_fd'; readonly file: FileRef }
  | { readonly op: 'hwpt_alloc'; readonly ioas: number; readonly hwpt: number }
  | { readonly op: 'attach_ioas'; readonly dev: number; readonly ioas: number; readonly hwpt: number }
  | { readonly op: 'lu_restore'; readonly token: number; readonly hwpt: number }
  | { readonly op: 'bind_driver'; readonly dev: number }
  | { readonly op: 'finish' }
  // Not a menu entry: the op of the reboot and boot processes' steps (pid -1).
  | { readonly op: 'kexec' };

export type OpOf<K extends Op['op']> = Extract<Op, { op: K }>;

export type MapStep = 'M1' | 'M2' | 'M3' | 'M4';
export type PreserveStep = 'P0' | 'P1' | 'P2' | 'P3a' | 'P3c_imm' | 'P3c_check' | 'P3c_domain' | 'P3c_err' | 'P3e';

export interface Base {
  /** The thread (0-based; printed T1, T2, ...). */
  readonly pid: number;
  /** Index of the op in the thread's menu. */
  readonly idx: number;
}

/** One atomic step of one thread: a critical section of a kernel entry point. */
export type Action =
  | (Base & { readonly type: 'iommufd_ioas_map_file'; readonly op: OpOf<'map_file'>; readonly step: MapStep })
  | (Base & { readonly type: 'iommufd_ioas_unmap'; readonly op: OpOf<'unmap'> })
  | (Base & { readonly type: 'iommufd_destroy'; readonly op: OpOf<'destroy'> })
  | (Base & { readonly type: 'iommufd_device_attach'; readonly op: OpOf<'attach'> })
  | (Base & { readonly type: 'iommufd_device_replace'; readonly op: OpOf<'replace'> })
  | (Base & { readonly type: 'iommufd_device_detach'; readonly op: OpOf<'detach'> })
  | (Base & { readonly type: 'iommufd_hwpt_liveupdate_mark_preserve'; readonly op: OpOf<'mark_preserve'> })
  | (Base & { readonly type: 'memfd_add_seals'; readonly op: OpOf<'add_seals'> })
  | (Base & { readonly type: 'shmem_setattr'; readonly op: OpOf<'ftruncate'> })
  | (Base & { readonly type: 'shmem_fallocate'; readonly op: OpOf<'fallocate'> })
  | (Base & { readonly type: 'memfd_luo_preserve'; readonly op: OpOf<'preserve_fd'> })
  | (Base & { readonly type: 'iommu_preserve_device'; readonly op: OpOf<'preserve_fd'> })
  | (Base & {
      readonly type: 'iommufd_liveupdate_preserve';
      readonly op: OpOf<'preserve_fd'>;
      readonly step: PreserveStep;
      /** The injected failure of this step's fallible call, if any. */
      readonly fail: boolean;
      /** For labels: the HWPT the step works on (P3a: the next one, -1 = none left, so P4). */
      readonly hwpt: number;
    })
  | (Base & {
      readonly type: 'iommufd_liveupdate_unpreserve';
      readonly op: OpOf<'preserve_fd' | 'close_session'>;
      /** For labels: the HWPT released by this step, -1 = none left (free the blob, return). */
      readonly hwpt: number;
    })
  | (Base & {
      readonly type: 'luo_session_release';
      readonly op: OpOf<'close_session'>;
      /** For labels: the file unpreserved by this step, -1 = none left (the session goes). */
      readonly file: number;
    })
  // reboot(KEXEC) and the new kernel's boot: processes "reboot" and "boot" (pid -1, idx -1).
  | (Base & { readonly type: 'liveupdate_reboot'; readonly op: OpOf<'kexec'>; readonly file: number; readonly fail: boolean })
  | (Base & { readonly type: 'kernel_kexec'; readonly op: OpOf<'kexec'> })
  | (Base & { readonly type: 'kho_populate'; readonly op: OpOf<'kexec'> })
  | (Base & { readonly type: 'intel_iommu_init'; readonly op: OpOf<'kexec'> })
  | (Base & { readonly type: 'iommu_probe_device'; readonly op: OpOf<'kexec'>; readonly dev: number })
  // The VMM in the new kernel.
  | (Base & { readonly type: 'luo_session_retrieve'; readonly op: OpOf<'retrieve_session'> })
  | (Base & { readonly type: 'luo_retrieve_file'; readonly op: OpOf<'retrieve_fd'> })
  | (Base & { readonly type: 'iommufd_hwpt_alloc'; readonly op: OpOf<'hwpt_alloc'> })
  | (Base & { readonly type: 'iommufd_device_hotswap'; readonly op: OpOf<'replace' | 'attach_ioas'> })
  | (Base & { readonly type: 'iommufd_hwpt_lu_restore'; readonly op: OpOf<'lu_restore'> })
  | (Base & { readonly type: 'iommufd_destroy_restored'; readonly op: OpOf<'destroy'> })
  | (Base & { readonly type: 'iommu_device_use_default_domain'; readonly op: OpOf<'bind_driver'> })
  | (Base & { readonly type: 'luo_session_finish'; readonly op: OpOf<'finish' | 'close_session'> });

export type ActionType = Action['type'];

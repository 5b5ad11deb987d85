/**
 * The state of the iommufd model, declared once: every field with its
 * type, its bounds (what the packed encoding holds) and what it mirrors.
 * From this declaration come docs/state.md (the reference for loaded code,
 * kept current by a test), the strict view a loaded invariant or action
 * reads (a field that is not declared is an error naming it), the check of
 * every state a loaded action writes (a value out of bounds is an error,
 * never two states merged by the encoding), and the fields a --load
 * extension adds. test/model/state-schema.test.ts holds the TypeScript types
 * (types.ts) and every reachable state of the shipped scopes to it.
 */
import { PCS } from './types.js';

export type FieldType =
  | { readonly t: 'bool' }
  | { readonly t: 'int'; readonly min: number; readonly max: number; readonly names?: readonly string[] }
  | { readonly t: 'pc' }
  | { readonly t: 'list'; readonly of: FieldType; readonly max: number }
  | { readonly t: 'record'; readonly fields: Readonly<Record<string, FieldSpec>> };

export interface FieldSpec {
  readonly type: FieldType;
  readonly doc: string;
  /** Bookkeeping of the model (where a thread stands), not kernel data: no invariant may read it. */
  readonly bookkeeping?: boolean;
}

const bool = (doc: string, bookkeeping = false): FieldSpec => ({ type: { t: 'bool' }, doc, ...(bookkeeping ? { bookkeeping } : {}) });
const int = (min: number, max: number, doc: string, bookkeeping = false): FieldSpec => ({ type: { t: 'int', min, max }, doc, ...(bookkeeping ? { bookkeeping } : {}) });
const named = (names: readonly string[], doc: string, min = 0): FieldSpec => ({ type: { t: 'int', min, max: min + names.length - 1, names }, doc });
const list = (of: FieldType, max: number, doc: string): FieldSpec => ({ type: { t: 'list', of, max }, doc });
const rec = (fields: Record<string, FieldSpec>) => ({ t: 'record', fields }) as const;

/** What the per-object fields are (the kinds a --load extension may add fields to). */
export const OBJECT_KINDS = ['memfds', 'ioas', 'hwpts', 'devices', 'groups', 'threads'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

const SEALS = 'a mask of F_SEAL_SEAL 0x1, SHRINK 0x2, GROW 0x4, WRITE 0x8';

export const MEMFD = rec({
  seals: int(0, 15, `F_ADD_SEALS so far (${SEALS})`),
  size: int(0, 15, 'i_size, in pages'),
  cache: list({ t: 'int', min: -1, max: 14 }, 7, 'the page cache: per page index the folio there (its pfn is 8*memfd + folio), -1 for a hole'),
  kho: int(0, 255, 'bit f: folio f was pinned and KHO-marked by memfd_luo_preserve'),
  frozen: bool('SHMEM_F_MAPPING_FROZEN (set by memfd_luo preserve)'),
  preserved: bool('memfd_luo preserved it in the session'),
  retrieved: bool('new kernel: RETRIEVE_FD returned it'),
});

export const AREA = rec({
  iova: int(0, 255, 'the IOVA slot'),
  memfd: int(0, 15, 'iopt_pages.file: the memfd'),
  page: int(0, 15, 'the page of the memfd the area maps'),
  seals: int(0, 255, `iopt_pages.seals, snapshot taken at IOAS_MAP_FILE (${SEALS})`),
  pfn: int(-1, 126, 'the pfn iommufd pinned for the area (-1: none yet)'),
  pages: bool('area.pages != NULL: false from insertion until the map completes'),
});

export const IOAS = rec({
  areas: list(AREA, 8, 'iopt.area_itree, sorted by IOVA'),
  immutable: int(0, 2 ** 31 - 1, 'liveupdate_immutable: 0/1 (immutability=flag) or the count of HWPTs holding it (refcount)'),
});

export const DOMAIN = rec({
  leaves: list({ t: 'int', min: -1, max: 2 ** 31 - 2 }, 8, 'per IOVA slot the pfn the page table translates it to, -1 when not mapped'),
  tables: int(0, 4095, 'bit t: the leaf table covering slots 2t, 2t+1 is allocated'),
  kho: int(0, 4095, 'KHO marks on the table pages: bit 0 the root, bit 1+t leaf table t'),
  preservedState: bool('domain.preserved_state (a domain_ser exists)'),
  restored: named(['none', 'live', 'freed'], 'new kernel: iommu_restore_domain reclaimed the tables (live) or they were freed'),
});

export const HWPT = rec({
  alive: bool('present in ictx.objects (false once IOMMU_DESTROY erased it)'),
  ioas: int(-1, 254, 'the IOAS it was allocated on (-1: an unused slot)'),
  marked: bool('IOMMUFD_OBJ_LIVEUPDATE_MARK on its xarray entry'),
  token: int(0, 2 ** 31 - 1, 'the live-update token it was marked with (0: none)'),
  preserved: bool('liveupdate_preserved'),
  users: int(0, 255, 'obj.users: 1 for the xarray, +1 per attached device, +1 per iommufd_lock_obj held'),
  domain: { type: DOMAIN, doc: 'its iommu_domain (generic_pt radix tree)' },
  restored: int(-1, 254, 'restore=rehydrate: the old slot whose restored domain IOMMU_HWPT_LU_RESTORE wrapped (-1: its own)'),
});

export const DEVICE = rec({
  group: int(0, 15, 'its iommu_group'),
  hwpt: int(-1, 254, 'the HWPT the idev bookkeeping names (-1: detached)'),
  preserved: bool('iommu_preserve_device ran (device_ser exists)'),
  busMaster: bool('PCI_COMMAND_MASTER: the device issues DMA through its context entry'),
  bound: bool('the VFIO cdev is bound to an iommufd'),
  atFreeze: int(-1, 2 ** 19, 'the context entry at kexec of a preserved device (-1: none)'),
  pasid: bool('a PASID-table entry of the device is present'),
});

export const GROUP = rec({
  domain: int(-3, 251, 'the active domain: a HWPT slot, -1 default, -2 blocking, -3 unset (new kernel before probe)'),
  owned: bool('DMA ownership claimed'),
  hwpt: int(-1, 126, 'iommufd_group.hwpt (-1: no device attached)'),
  byToken: bool('owned by the LUO token cookie set at probe'),
});

export const THREAD = rec({
  done: int(0, 2 ** 31 - 1, 'bit i: menu op i has returned', true),
  op: int(-1, 254, 'menu index of the op in progress (-1: idle)', true),
  pc: { type: { t: 'pc' }, doc: 'the lock point the thread stands at', bookkeeping: true },
  nr: int(0, 32767, 'preserve: nr_hwpts counted at P1'),
  slot: int(-1, 254, 'preserve: the hwpt_array index in hand'),
  cur: int(-1, 254, 'preserve/unpreserve: the HWPT in hand (the xarray cursor)'),
  made: bool('iommufd_preserve_hwpt made the IOAS immutable (flag) or took a share (refcount)'),
  held: int(0, 255, 'hwptCount=stable: HWPTs locked at P1, not yet reached'),
  seals: int(0, 255, 'IOAS_MAP_FILE: the seals snapshot taken at M1'),
  rc: int(0, 32767, 'the errno carried to the unwind'),
});

export const STATE_SCHEMA = rec({
  phase: named(['old-kernel', 'reboot-freezing', 'new-kernel'], 'the lifecycle phase'),
  frozen: int(0, 255, 'reboot(KEXEC): files frozen so far'),
  boot: int(0, 15, 'new kernel: boot stage (0 before kho_populate, 1 after, 2 after intel_iommu_init)'),
  probed: int(0, 2047, 'new kernel: bit d = device d was probed'),
  oops: int(0, 15, '0, or 1 + the thread whose kernel path oopsed', true),
  memfds: list(MEMFD, 3, 'the memfds'),
  ioas: list(IOAS, 2, 'the IOAS objects'),
  hwpts: list(HWPT, 8, 'HWPT_PAGING slots (the old kernel\'s, then the new kernel\'s)'),
  devices: list(DEVICE, 4, 'the devices'),
  groups: list(GROUP, 4, 'the iommu_groups'),
  ctx: list({ t: 'int', min: -2, max: 252 }, 4, 'per device the VT-d context entry: -1 none, -2 the default domain, else the HWPT slot whose tables it points at'),
  session: {
    type: rec({
      open: bool('the session fd is open'),
      files: list(rec({ file: int(0, 2 ** 31 - 1, 'LUO file id: memfd m is m, the iommufd 100, the cdev of device d 200+d'), token: int(0, 2 ** 31 - 1, 'its token') }), 8, 'preserved files in PRESERVE_FD order'),
    }),
    doc: 'the outgoing LUO session (after kexec: the incoming one)',
  },
  blob: {
    type: rec({
      allocated: bool('kho_alloc_preserve\'d'),
      nr: int(0, 63, 'nr_hwpts'),
      slots: list(rec({ token: int(0, 2 ** 31 - 1, 'hwpt_array[i].token'), domain: int(0, 2 ** 31 - 1, '0, or 1 + the HWPT whose domain_ser it points to') }), 63, 'hwpt_array'),
      overflow: bool('a hwpt_array write at an index >= nr_hwpts happened', true),
      reclaimed: int(0, 2 ** 23, 'new kernel: bit i = hwpt_array[i].reclaimed'),
    }),
    doc: 'the serialized iommufd_ser blob',
  },
  nk: {
    type: rec({
      retrieved: bool('RETRIEVE_SESSION succeeded'),
      files: int(0, 2 ** 23, 'bit i: session file i was retrieved'),
      finished: bool('SESSION_FINISH succeeded'),
      cancelled: bool('the incoming session was closed without FINISH'),
      flb: bool('the iommu FLB blob is still held'),
      bug: int(0, 15, '0, or why the new kernel hit BUG() on the preserved state', true),
    }),
    doc: 'the new kernel\'s live-update records',
  },
  threads: list(THREAD, 3, 'the VMM threads (T1, T2, ...)'),
});

/** The record schema of each object kind. */
export const KIND_SCHEMA: Readonly<Record<ObjectKind, ReturnType<typeof rec>>> = {
  memfds: MEMFD, ioas: IOAS, hwpts: HWPT, devices: DEVICE, groups: GROUP, threads: THREAD,
};

/** Whether `v` is a program counter the model (or a loaded extension) declares. */
export type PcCheck = (v: string) => boolean;

/** Why `v` does not fit `type`, or null. `path` names it ("hwpts[1].users"). */
export function misfit(v: unknown, type: FieldType, path: string, isPc: PcCheck = (p) => (PCS as readonly string[]).includes(p)): string | null {
  switch (type.t) {
    case 'bool':
      return typeof v === 'boolean' ? null : `${path} = ${show(v)}, expected true or false`;
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && v >= type.min && v <= type.max ? null : `${path} = ${show(v)}, expected an integer from ${type.min} to ${type.max}`;
    case 'pc':
      return typeof v === 'string' && isPc(v) ? null : `${path} = ${show(v)}, expected a program counter of the model`;
    case 'list': {
      if (!Array.isArray(v) || v.length > type.max) return `${path} = ${show(v)}, expected a list of at most ${type.max}`;
      for (let i = 0; i < v.length; i++) {
        const m = misfit(v[i], type.of, `${path}[${i}]`, isPc);
        if (m) return m;
      }
      return null;
    }
    case 'record': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${path} = ${show(v)}, expected an object`;
      for (const k of Object.keys(v)) if (!(k in type.fields)) return `${path}.${k} is not a field of the state`;
      for (const [k, f] of Object.entries(type.fields)) {
        const m = misfit((v as Record<string, unknown>)[k], f.type, path ? `${path}.${k}` : k, isPc);
        if (m) return m;
      }
      return null;
    }
  }
}

function show(v: unknown): string {
  if (v === undefined) return 'undefined (missing)';
  try {
    const s = JSON.stringify(v);
    return s.length > 40 ? `${s.slice(0, 37)}...` : s;
  } catch {
    return typeof v;
  }
}

/**
 * Scopes of the iommufd model: the objects userspace built before the
 * explored window (the initial state), the menu of ioctls each VMM thread may
 * issue (each at most once, in any order), and which kernel failures are
 * injected. One named scope per review scenario (model/iommufd/scopes/cases.ts
 * names each one's source);
 * the scopes that go through kexec, and `ci` and `deep`, are in
 * scopes-kexec.ts.
 *
 * Every device's VFIO cdev is bound to the iommufd, so every group starts
 * DMA-owned (on the blocking domain unless a device is attached).
 */
import { IOMMUFD, MEMFD0, NO_FAIL, SEALED, type IommufdScope } from './scope-common.js';
import { KEXEC_SCOPES, KEXEC_SCOPE_DOCS } from './scopes-kexec.js';

export type { AreaInit, IommufdScope, PhaseSet, SealName } from './scope-common.js';


/** What the old-kernel-only scopes leave out. */
const OLD = { phases: 'old-kernel', restoreSlots: 0, restore: [] } as const;

/** 5.1: two HWPTs on one IOAS (two devices behind two IOMMUs); iommu_domain_preserve may fail. */
const sharedIoas: IommufdScope = {
  ...OLD,
  iovas: 2,
  memfds: [{ pages: 1, seals: SEALED }],
  ioas: [{ areas: [{ iova: 0, memfd: 0, page: 0 }] }],
  hwpts: [{ ioas: 0, token: 1 }, { ioas: 0, token: 2 }],
  devices: [{ group: 0, hwpt: 0 }, { group: 1, hwpt: 1 }],
  session: [{ file: MEMFD0, token: 1 }],
  threads: [[{ op: 'preserve_fd', file: IOMMUFD, token: 2 }]],
  failures: { ...NO_FAIL, domainPreserve: true },
};

/**
 * 5.2: T1 preserves the iommufd while T2 destroys a marked, unattached HWPT;
 * then kexec, and the new kernel's VMM retrieves the iommufd, whose
 * retrieve walks nr_hwpts entries of the blob.
 */
const countRace: IommufdScope = {
  phases: 'lifecycle',
  restoreSlots: 0,
  restore: [[{ op: 'retrieve_session' }, { op: 'retrieve_fd', file: IOMMUFD }]],
  iovas: 2,
  memfds: [],
  ioas: [{ areas: [] }],
  hwpts: [{ ioas: 0, token: 1 }, { ioas: 0, token: 2 }],
  devices: [],
  session: [],
  threads: [[{ op: 'preserve_fd', file: IOMMUFD, token: 1 }], [{ op: 'destroy', hwpt: 1 }]],
  failures: NO_FAIL,
};

/**
 * 5.3: one thread maps an unsealed memfd, seals it GROW|SHRINK and then
 * SEAL (either may come before the map), preserves it, then the iommufd,
 * in any order.
 */
const cachedSeals: IommufdScope = {
  ...OLD,
  iovas: 2,
  memfds: [{ pages: 1, seals: [] }],
  ioas: [{ areas: [] }],
  hwpts: [{ ioas: 0, token: 1 }],
  devices: [],
  session: [],
  threads: [
    [
      { op: 'map_file', ioas: 0, memfd: 0, page: 0, iova: 0 },
      { op: 'add_seals', memfd: 0, seals: 0x6 },
      { op: 'add_seals', memfd: 0, seals: 0x1 },
      { op: 'preserve_fd', file: MEMFD0, token: 1 },
      { op: 'preserve_fd', file: IOMMUFD, token: 2 },
    ],
  ],
  failures: NO_FAIL,
};

/** 5.6: three HWPTs on one IOAS; a failing iommu_domain_preserve starts the unwind while T2 unmaps. */
const unwindWindow: IommufdScope = {
  ...OLD,
  iovas: 2,
  memfds: [{ pages: 1, seals: SEALED }],
  ioas: [{ areas: [{ iova: 0, memfd: 0, page: 0 }] }],
  hwpts: [{ ioas: 0, token: 1 }, { ioas: 0, token: 2 }, { ioas: 0, token: 3 }],
  devices: [],
  session: [{ file: MEMFD0, token: 1 }],
  threads: [[{ op: 'preserve_fd', file: IOMMUFD, token: 2 }], [{ op: 'unmap', ioas: 0, iova: 0 }]],
  failures: { ...NO_FAIL, domainPreserve: true },
};

/**
 * 5.7: T2 maps a second, unpreserved memfd (sealed GROW|SHRINK, so that
 * seals=both lets it be mapped) into the IOAS while T1 preserves its HWPT.
 */
const mapInFlight: IommufdScope = {
  ...OLD,
  iovas: 4,
  memfds: [{ pages: 1, seals: SEALED }, { pages: 1, seals: ['GROW', 'SHRINK'] }],
  ioas: [{ areas: [{ iova: 0, memfd: 0, page: 0 }] }],
  hwpts: [{ ioas: 0, token: 1 }],
  devices: [],
  session: [{ file: MEMFD0, token: 1 }],
  threads: [[{ op: 'preserve_fd', file: IOMMUFD, token: 2 }], [{ op: 'map_file', ioas: 0, memfd: 1, page: 0, iova: 2 }]],
  failures: NO_FAIL,
};

/** 5.9 (seed 004, scenario 1): three devices of one group, attached then replaced one by one. */
const groupReplace: IommufdScope = {
  ...OLD,
  iovas: 2,
  memfds: [],
  ioas: [{ areas: [] }],
  hwpts: [{ ioas: 0 }, { ioas: 0 }],
  devices: [{ group: 0 }, { group: 0 }, { group: 0 }],
  session: [],
  threads: [
    [
      { op: 'attach', dev: 0, hwpt: 0 },
      { op: 'attach', dev: 1, hwpt: 0 },
      { op: 'attach', dev: 2, hwpt: 0 },
      { op: 'replace', dev: 0, hwpt: 1 },
      { op: 'replace', dev: 1, hwpt: 1 },
      { op: 'replace', dev: 2, hwpt: 1 },
    ],
  ],
  failures: NO_FAIL,
};

/**
 * 5.11: marks with a clashing token, PRESERVE_FD of memfd, iommufd (twice,
 * once with a clashing token) and a cdev in any order, and closing the session.
 */
const preserveOrder: IommufdScope = {
  ...OLD,
  iovas: 2,
  memfds: [{ pages: 1, seals: SEALED }],
  ioas: [{ areas: [{ iova: 0, memfd: 0, page: 0 }] }],
  hwpts: [{ ioas: 0 }, { ioas: 0 }],
  devices: [{ group: 0, hwpt: 0 }],
  session: [],
  threads: [
    [
      { op: 'mark_preserve', hwpt: 0, token: 1 },
      { op: 'mark_preserve', hwpt: 1, token: 1 },
      { op: 'preserve_fd', file: MEMFD0, token: 1 },
      { op: 'preserve_fd', file: IOMMUFD, token: 1 },
      { op: 'preserve_fd', file: IOMMUFD, token: 2 },
      { op: 'preserve_fd', file: { kind: 'cdev', dev: 0 }, token: 3 },
      { op: 'close_session' },
    ],
  ],
  failures: NO_FAIL,
};

/**
 * 5.2's other half: T2 marks a second HWPT while T1 preserves the iommufd
 * (once with hwpt1's token, refused, then with its own). MARK_PRESERVE
 * takes lu_mutex, so the marks the preserve counted at P1 cannot grow
 * before P3 walks them (the walk has no `i < nr` check).
 */
const markBesidePreserve: IommufdScope = {
  ...OLD,
  iovas: 2,
  memfds: [],
  ioas: [{ areas: [] }],
  hwpts: [{ ioas: 0, token: 1 }, { ioas: 0 }],
  devices: [],
  session: [],
  threads: [[{ op: 'preserve_fd', file: IOMMUFD, token: 1 }], [{ op: 'mark_preserve', hwpt: 1, token: 1 }, { op: 'mark_preserve', hwpt: 1, token: 2 }]],
  failures: NO_FAIL,
};

/** iommufd_lock_obj may fail (P1 under hwptCount=stable, P3a under two-pass) while T2 destroys a marked HWPT. */
const lockObjFailure: IommufdScope = {
  ...OLD,
  iovas: 2,
  memfds: [],
  ioas: [{ areas: [] }],
  hwpts: [{ ioas: 0, token: 1 }, { ioas: 0, token: 2 }],
  devices: [],
  session: [],
  threads: [[{ op: 'preserve_fd', file: IOMMUFD, token: 1 }], [{ op: 'destroy', hwpt: 1 }]],
  failures: { ...NO_FAIL, lockObj: true },
};

/** 5.12: kho_alloc_preserve may fail in P2. */
const allocFailure: IommufdScope = {
  ...OLD,
  iovas: 2,
  memfds: [],
  ioas: [{ areas: [] }],
  hwpts: [{ ioas: 0, token: 1 }],
  devices: [],
  session: [],
  threads: [[{ op: 'preserve_fd', file: IOMMUFD, token: 1 }]],
  failures: { ...NO_FAIL, khoAlloc: true },
};

/**
 * 5.3b (Khawaja's answer, 20 May 2026): the VMM maps an unsealed memfd,
 * shrinks it (the pinned page leaves the page cache, still mapped), grows
 * it back (a hole), seals it, then preserves the memfd (which fills the hole
 * with a new folio and KHO-marks only that) and the iommufd.
 */
const shrinkRegrow: IommufdScope = {
  ...cachedSeals,
  threads: [
    [
      { op: 'map_file', ioas: 0, memfd: 0, page: 0, iova: 0 },
      { op: 'ftruncate', memfd: 0, size: 0 },
      { op: 'ftruncate', memfd: 0, size: 1 },
      { op: 'add_seals', memfd: 0, seals: 0x7 },
      { op: 'preserve_fd', file: MEMFD0, token: 1 },
      { op: 'preserve_fd', file: IOMMUFD, token: 2 },
    ],
  ],
};

/**
 * A mapped memfd sealed SEAL|GROW|SHRINK, as every seal check asks, has a
 * hole punched in its mapped page (F_SEAL_WRITE alone forbids that), then
 * is preserved with the iommufd.
 */
const punchHole: IommufdScope = {
  ...OLD,
  iovas: 2,
  memfds: [{ pages: 1, seals: SEALED }],
  ioas: [{ areas: [{ iova: 0, memfd: 0, page: 0 }] }],
  hwpts: [{ ioas: 0, token: 1 }],
  devices: [],
  session: [],
  threads: [
    [
      { op: 'fallocate', memfd: 0, page: 0, punch: true },
      { op: 'preserve_fd', file: MEMFD0, token: 1 },
      { op: 'preserve_fd', file: IOMMUFD, token: 2 },
    ],
  ],
  failures: NO_FAIL,
};

export const SCOPES: Readonly<Record<string, IommufdScope>> = {
  'shared-ioas': sharedIoas,
  'count-race': countRace,
  'cached-seals': cachedSeals,
  'unwind-window': unwindWindow,
  'map-in-flight': mapInFlight,
  'shrink-regrow': shrinkRegrow,
  'punch-hole': punchHole,
  'group-replace': groupReplace,
  'preserve-order': preserveOrder,
  'alloc-failure': allocFailure,
  'mark-beside-preserve': markBesidePreserve,
  'lock-obj-failure': lockObjFailure,
  ...KEXEC_SCOPES,
};

export const SCOPE_DOCS: Readonly<Record<string, string>> = {
  'shared-ioas': '5.1: two HWPTs share an IOAS; iommu_domain_preserve may fail',
  'count-race': '5.2: DESTROY of a marked HWPT races the preserve count; the new kernel retrieves the blob',
  'cached-seals': '5.3: memfd sealed (GROW|SHRINK, then SEAL) before or after IOAS_MAP_FILE, then preserved',
  'unwind-window': '5.6: unwind of a failed preserve races IOAS_UNMAP on a shared IOAS',
  'map-in-flight': '5.7: IOAS_MAP_FILE in flight while preserve makes the IOAS immutable',
  'shrink-regrow': '5.3b: a mapped, unsealed memfd shrunk, regrown and sealed before preserve (Khawaja, 20 May 2026)',
  'punch-hole': 'a hole punched in a mapped memfd sealed SEAL|GROW|SHRINK, then preserved',
  'group-replace': '5.9: REPLACE one device of a 3-device group',
  'preserve-order': '5.11: PRESERVE_FD order, duplicate tokens, session close',
  'alloc-failure': '5.12: kho_alloc_preserve fails in P2',
  'mark-beside-preserve': '5.2: MARK_PRESERVE of a second HWPT while the preserve counts and walks the marks',
  'lock-obj-failure': 'iommufd_lock_obj fails in the preserve while a marked HWPT is destroyed',
  ...KEXEC_SCOPE_DOCS,
};

export const DEFAULT_SCOPE = 'ci';

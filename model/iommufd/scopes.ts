/**
 * Scopes of the iommufd model: the objects userspace built before the
 * explored window (the initial state), the menu of ioctls each VMM thread may
 * issue (each at most once, in any order), and which kernel failures are
 * injected. One named scope per scenario of shared/DOMAIN.md section 5 that
 * happens before kexec; each is exhaustive in well under a second.
 *
 * Every device's VFIO cdev is bound to the iommufd, so every group starts
 * DMA-owned (on the blocking domain unless a device is attached).
 */
import type { FileRef, Op } from './types.js';

export type PhaseSet = 'old-kernel';
export type SealName = 'SEAL' | 'SHRINK' | 'GROW' | 'WRITE';

export interface AreaInit {
  readonly iova: number;
  readonly memfd: number;
  readonly page: number;
}

export interface IommufdScope {
  /** Which lifecycle phases are explored: the old kernel up to kexec only, for now. */
  readonly phases: PhaseSet;
  /** IOVA slots of every IOAS (leaf tables cover 2 slots each). */
  readonly iovas: number;
  readonly memfds: readonly { readonly pages: number; readonly seals: readonly SealName[] }[];
  /** Each IOAS with its areas, mapped (pages set) and filled into its HWPTs' domains. */
  readonly ioas: readonly { readonly areas: readonly AreaInit[] }[];
  /** HWPT_PAGING objects; `token` present = already marked with it. */
  readonly hwpts: readonly { readonly ioas: number; readonly token?: number }[];
  /** Devices, their iommu_group, and the HWPT each is attached to (if any). */
  readonly devices: readonly { readonly group: number; readonly hwpt?: number }[];
  /** Files already in the outgoing session (memfds only), in order. */
  readonly session: readonly { readonly file: FileRef; readonly token: number }[];
  /** One menu per VMM thread. */
  readonly threads: readonly (readonly Op[])[];
  /** Injected failures: iommu_domain_preserve, kho_alloc_preserve, iommufd_lock_obj. */
  readonly failures: { readonly domainPreserve: boolean; readonly khoAlloc: boolean; readonly lockObj: boolean };
}

const SEALED: readonly SealName[] = ['SEAL', 'GROW', 'SHRINK'];
const NO_FAIL = { domainPreserve: false, khoAlloc: false, lockObj: false };
const IOMMUFD: FileRef = { kind: 'iommufd' };
const MEMFD0: FileRef = { kind: 'memfd', memfd: 0 };

/** 5.1: two HWPTs on one IOAS (two devices behind two IOMMUs); iommu_domain_preserve may fail. */
const sharedIoas: IommufdScope = {
  phases: 'old-kernel',
  iovas: 2,
  memfds: [{ pages: 1, seals: SEALED }],
  ioas: [{ areas: [{ iova: 0, memfd: 0, page: 0 }] }],
  hwpts: [{ ioas: 0, token: 1 }, { ioas: 0, token: 2 }],
  devices: [{ group: 0, hwpt: 0 }, { group: 1, hwpt: 1 }],
  session: [{ file: MEMFD0, token: 1 }],
  threads: [[{ op: 'preserve_fd', file: IOMMUFD, token: 2 }]],
  failures: { ...NO_FAIL, domainPreserve: true },
};

/** 5.2: T1 preserves the iommufd while T2 destroys a marked, unattached HWPT. */
const countRace: IommufdScope = {
  phases: 'old-kernel',
  iovas: 2,
  memfds: [],
  ioas: [{ areas: [] }],
  hwpts: [{ ioas: 0, token: 1 }, { ioas: 0, token: 2 }],
  devices: [],
  session: [],
  threads: [[{ op: 'preserve_fd', file: IOMMUFD, token: 1 }], [{ op: 'destroy', hwpt: 1 }]],
  failures: NO_FAIL,
};

/** 5.3: one thread maps an unsealed memfd, seals it, preserves it, then the iommufd, in any order. */
const cachedSeals: IommufdScope = {
  phases: 'old-kernel',
  iovas: 2,
  memfds: [{ pages: 1, seals: [] }],
  ioas: [{ areas: [] }],
  hwpts: [{ ioas: 0, token: 1 }],
  devices: [],
  session: [],
  threads: [
    [
      { op: 'map_file', ioas: 0, memfd: 0, page: 0, iova: 0 },
      { op: 'add_seals', memfd: 0, seals: 0x7 },
      { op: 'preserve_fd', file: MEMFD0, token: 1 },
      { op: 'preserve_fd', file: IOMMUFD, token: 2 },
    ],
  ],
  failures: NO_FAIL,
};

/** 5.6: three HWPTs on one IOAS; a failing iommu_domain_preserve starts the unwind while T2 unmaps. */
const unwindWindow: IommufdScope = {
  phases: 'old-kernel',
  iovas: 2,
  memfds: [{ pages: 1, seals: SEALED }],
  ioas: [{ areas: [{ iova: 0, memfd: 0, page: 0 }] }],
  hwpts: [{ ioas: 0, token: 1 }, { ioas: 0, token: 2 }, { ioas: 0, token: 3 }],
  devices: [],
  session: [{ file: MEMFD0, token: 1 }],
  threads: [[{ op: 'preserve_fd', file: IOMMUFD, token: 2 }], [{ op: 'unmap', ioas: 0, iova: 0 }]],
  failures: { ...NO_FAIL, domainPreserve: true },
};

/** 5.7: T2 maps a second, unpreserved memfd into the IOAS while T1 preserves its HWPT. */
const mapInFlight: IommufdScope = {
  phases: 'old-kernel',
  iovas: 4,
  memfds: [{ pages: 1, seals: SEALED }, { pages: 1, seals: [] }],
  ioas: [{ areas: [{ iova: 0, memfd: 0, page: 0 }] }],
  hwpts: [{ ioas: 0, token: 1 }],
  devices: [],
  session: [{ file: MEMFD0, token: 1 }],
  threads: [[{ op: 'preserve_fd', file: IOMMUFD, token: 2 }], [{ op: 'map_file', ioas: 0, memfd: 1, page: 0, iova: 2 }]],
  failures: NO_FAIL,
};

/** 5.9 (seed 004, scenario 1): three devices of one group, attached then replaced one by one. */
const groupReplace: IommufdScope = {
  phases: 'old-kernel',
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
  phases: 'old-kernel',
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

/** 5.12: kho_alloc_preserve may fail in P2. */
const allocFailure: IommufdScope = {
  phases: 'old-kernel',
  iovas: 2,
  memfds: [],
  ioas: [{ areas: [] }],
  hwpts: [{ ioas: 0, token: 1 }],
  devices: [],
  session: [],
  threads: [[{ op: 'preserve_fd', file: IOMMUFD, token: 1 }]],
  failures: { ...NO_FAIL, khoAlloc: true },
};

export const SCOPES: Readonly<Record<string, IommufdScope>> = {
  'shared-ioas': sharedIoas,
  'count-race': countRace,
  'cached-seals': cachedSeals,
  'unwind-window': unwindWindow,
  'map-in-flight': mapInFlight,
  'group-replace': groupReplace,
  'preserve-order': preserveOrder,
  'alloc-failure': allocFailure,
};

export const SCOPE_DOCS: Readonly<Record<string, string>> = {
  'shared-ioas': '5.1: two HWPTs share an IOAS; iommu_domain_preserve may fail',
  'count-race': '5.2: DESTROY of a marked HWPT races the preserve count',
  'cached-seals': '5.3: memfd sealed after IOAS_MAP_FILE, then preserved',
  'unwind-window': '5.6: unwind of a failed preserve races IOAS_UNMAP on a shared IOAS',
  'map-in-flight': '5.7: IOAS_MAP_FILE in flight while preserve makes the IOAS immutable',
  'group-replace': '5.9: REPLACE one device of a 3-device group',
  'preserve-order': '5.11: PRESERVE_FD order, duplicate tokens, session close',
  'alloc-failure': '5.12: kho_alloc_preserve fails in P2',
};

export const DEFAULT_SCOPE = 'count-race';

/**
 * The scopes that go through reboot(KEXEC), the new kernel's boot, the
 * VMM's rebuild and FINISH (known cases 5.8, 5.10), the
 * default `ci` scope (the whole lifecycle with two devices) and `deep` for
 * nightly runs.
 *
 * The new kernel's HWPT slots follow the old kernel's: with one old HWPT,
 * slot 1 is the HWPT the VMM rebuilds (D') and slot 2 the one
 * IOMMU_HWPT_LU_RESTORE hands back with restore=rehydrate. Ops that only the
 * rehydrate design has (lu_restore, and ops naming its slot) are never
 * enabled under restore=rebuild.
 */
import { cdev, IOMMUFD, MEMFD0, NO_FAIL, SEALED } from './scope-common.js';
import type { IommufdScope } from './scope-common.js';
import type { FileRef, Op } from '../state/types.js';

const MAP0: Op = { op: 'map_file', ioas: 0, memfd: 0, page: 0, iova: 0 };
const MAP1: Op = { op: 'map_file', ioas: 0, memfd: 0, page: 1, iova: 1 };
const AREA0 = { iova: 0, memfd: 0, page: 0 };
const AREA1 = { iova: 1, memfd: 0, page: 1 };

/**
 * The VMM of the new kernel rebuilding one HWPT (slot `rebuilt`) for `devs`
 * (seeds 000/002), with the rehydrate steps of the RFC (slot `restored`).
 */
function rebuildMenu(devs: readonly number[], memfds: readonly Op[], maps: readonly Op[], rebuilt = 1, restored = 2): Op[] {
  return [
    { op: 'retrieve_session' },
    ...memfds,
    { op: 'retrieve_fd', file: IOMMUFD },
    ...devs.map((d): Op => ({ op: 'retrieve_fd', file: cdev(d) })),
    ...maps,
    { op: 'hwpt_alloc', ioas: 0, hwpt: rebuilt },
    { op: 'lu_restore', token: 1, hwpt: restored },
    ...devs.map((d): Op => ({ op: 'replace', dev: d, hwpt: restored })),
    ...devs.map((d): Op => ({ op: 'replace', dev: d, hwpt: rebuilt })),
    { op: 'destroy', hwpt: restored },
    { op: 'finish' },
  ];
}

const RETRIEVE_MEMFD0: Op = { op: 'retrieve_fd', file: MEMFD0 };
/**
 * memfd_luo restores a memfd unsealed (mm/memfd_luo.c DOC: seals are not
 * preserved); a VMM whose menu seals it again maps it only after that
 * (actions-kexec.ts; seals=both would refuse the map otherwise).
 */
const reseal = (memfd: number): Op => ({ op: 'add_seals', memfd, seals: 0x7 });

/** PRESERVE_FD(iommufd) with token 1, the memfd's: luo_preserve_file refuses it -EEXIST. */
const TOKEN_REUSE: Op = { op: 'preserve_fd', file: IOMMUFD, token: 1 };
/** IOMMU_DESTROY of the marked HWPT both devices are attached to: -EBUSY (users > 1). */
const DESTROY0: Op = { op: 'destroy', hwpt: 0 };

/** IOMMU_DESTROY of hwpt2, marked and attached to nothing (on its own empty IOAS): it succeeds, also between preserve's P1 and P3 (5.2). */
const DESTROY_UNATTACHED: Op = { op: 'destroy', hwpt: 1 };

const MEMFD1: FileRef = { kind: 'memfd', memfd: 1 };
/** memfd2 (index 1), unsealed: mapped where memfd1's second page was, once T2 unmapped that. */
const MAP_M1: Op = { op: 'map_file', ioas: 0, memfd: 1, page: 0, iova: 1 };
/**
 * What a VMM may do to an unsealed guest-memory memfd (5.3, 5.3b): shrink
 * it to nothing (a pinned page leaves the page cache), seal it GROW|SHRINK,
 * and seal the seals (F_SEAL_SEAL), each at any point. (Growing it back
 * changes nothing a seal check sees: shrink-regrow has it.)
 */
const RESIZE_AND_SEAL_M1: readonly Op[] = [
  { op: 'ftruncate', memfd: 1, size: 0 },
  { op: 'add_seals', memfd: 1, seals: 0x6 },
  { op: 'add_seals', memfd: 1, seals: 0x1 },
];

/**
 * The whole lifecycle, two devices in singleton groups on one preserved HWPT
 * with two mappings of a sealed memfd1, and a second marked HWPT attached
 * to nothing on an empty IOAS: T1 preserves memfd2, the iommufd and
 * both cdevs (and once retries PRESERVE_FD(iommufd) with memfd1's token:
 * -EEXIST) while T2 may unmap one IOVA and map the unsealed memfd2 there,
 * shrink memfd2 to nothing, seal it, and IOMMU_DESTROY the unattached
 * marked HWPT (also between preserve's P1 and P3: the count race of 5.2,
 * which hwptCount=stable refuses with -EBUSY); iommu_domain_preserve may fail (the preserve
 * unwinds and returns -ENOMEM); reboot at any pause (a freeze may fail);
 * boot; the VMM rebuilds memfd1's mappings, hot-swaps, and finishes or
 * closes the session, while kernel drivers try to bind to the devices.
 */
const CI_RESTORE: readonly Op[] = [
  ...rebuildMenu([0, 1], [RETRIEVE_MEMFD0, reseal(0)], [MAP0, MAP1], 2, 3),
  { op: 'close_session' },
  { op: 'bind_driver', dev: 0 },
  { op: 'bind_driver', dev: 1 },
];

const ci: IommufdScope = {
  phases: 'lifecycle',
  iovas: 2,
  memfds: [{ pages: 2, seals: SEALED }, { pages: 1, seals: [] }],
  ioas: [{ areas: [AREA0, AREA1] }, { areas: [] }],
  hwpts: [{ ioas: 0, token: 1 }, { ioas: 1, token: 6 }],
  restoreSlots: 2,
  devices: [{ group: 0, hwpt: 0 }, { group: 1, hwpt: 0 }],
  session: [{ file: MEMFD0, token: 1 }],
  threads: [
    [
      { op: 'preserve_fd', file: MEMFD1, token: 5 },
      { op: 'preserve_fd', file: IOMMUFD, token: 2 },
      { op: 'preserve_fd', file: cdev(0), token: 3 },
      { op: 'preserve_fd', file: cdev(1), token: 4 },
      TOKEN_REUSE,
    ],
    [{ op: 'unmap', ioas: 0, iova: 1 }, MAP_M1, DESTROY_UNATTACHED, ...RESIZE_AND_SEAL_M1],
  ],
  restore: [CI_RESTORE],
  failures: { ...NO_FAIL, freeze: true, domainPreserve: true },
};

/**
 * Nightly: ci (its T1 menu, its racing DESTROY, its unsealed memfd2 that T2
 * may map, resize and seal, and its injected failures) with three IOVA
 * slots, a third memfd (sealed, preserved) the new kernel's VMM may map by
 * mistake, a third device (never preserved, on a second HWPT that T2 may
 * try to destroy), racing unmaps, an IOAS-only attach (auto domain) and
 * kernel drivers binding to dev1 and dev3 (dev2's binding is dev1's story
 * again).
 */
const MEMFD2: FileRef = { kind: 'memfd', memfd: 2 };
const DEEP_RESTORE: readonly Op[] = [
  ...rebuildMenu(
    [0, 1],
    [RETRIEVE_MEMFD0, reseal(0), { op: 'retrieve_fd', file: MEMFD2 }, reseal(2)],
    [MAP0, MAP1, { op: 'map_file', ioas: 0, memfd: 2, page: 0, iova: 2 }],
    2,
    3,
  ),
  { op: 'attach_ioas', dev: 1, ioas: 0, hwpt: 4 },
  { op: 'close_session' },
  { op: 'bind_driver', dev: 0 },
  { op: 'bind_driver', dev: 2 },
];
const deep: IommufdScope = {
  ...ci,
  ioas: [{ areas: [AREA0, AREA1] }],
  iovas: 3,
  devices: [...ci.devices, { group: 2, hwpt: 1, pasid: true }],
  memfds: [...ci.memfds, { pages: 1, seals: SEALED }],
  hwpts: [{ ioas: 0, token: 1 }, { ioas: 0 }],
  restoreSlots: 3,
  session: [{ file: MEMFD0, token: 1 }, { file: MEMFD2, token: 6 }],
  threads: [
    ci.threads[0]!,
    [{ op: 'unmap', ioas: 0, iova: 1 }, { op: 'destroy', hwpt: 1 }, { op: 'unmap', ioas: 0, iova: 0 }, MAP_M1, ...RESIZE_AND_SEAL_M1, DESTROY0],
  ],
  restore: [DEEP_RESTORE],
  failures: ci.failures,
};

/**
 * Nightly (`npm run bench -- --nightly` and the nightly job of
 * docs/ci/luocheck.yml run it; more states than deep, minutes a run):
 * three devices, dev1 alone in its group on the marked hwpt1 (IOAS 1 holds
 * memfd1's two pages), dev2 and dev3 sharing one iommu_group on hwpt3,
 * marked too, on the empty IOAS 2, where hwpt2 is marked and attached to
 * nothing; memfd1 sealed and preserved, memfd2 unsealed. T1 preserves
 * memfd2, the iommufd (the preserve walks three marked HWPTs), dev1's cdev,
 * and retries the iommufd with memfd1's token (-EEXIST). T2 unmaps both
 * IOVAs of IOAS 1, maps memfd2 there, shrinks and seals memfd2, and tries
 * IOMMU_DESTROY of hwpt2 (the count race of 5.2) and of hwpt3 (-EBUSY while
 * the group is attached). T3 REPLACEs the two-device group onto hwpt2 (both
 * devices move: the group is the unit), tries IOMMU_DESTROY of hwpt3 (it
 * succeeds once the group left it) and unmaps both IOVAs of IOAS 1 too (of
 * T2 and T3, the second to unmap an IOVA gets -ENOENT; T3's unmap of IOVA 1
 * may instead remove the mapping of memfd2 that T2 put there).
 * iommu_domain_preserve, kho_alloc_preserve, iommufd_lock_obj and a freeze
 * may fail. After kexec the VMM rebuilds
 * dev1's HWPT and hot-swaps it, finishes or closes the session, attaches
 * dev2 to IOAS 2 (an auto domain), and kernel drivers try to bind to dev1
 * (-EBUSY: its group is on the restored domain), dev2 and dev3.
 *
 * Neither device of the two-device group is preserved: preserving one of
 * them alone (a reboot can come between two PRESERVE_FDs) leaves the other
 * on the restored domain's tables after boot, which ctx-sanitized reports
 * (the IOMMU restores the domain of the whole group: the open case
 * partial-group, scope partial-group).
 */
const NIGHTLY_RESTORE: readonly Op[] = [
  ...rebuildMenu([0], [RETRIEVE_MEMFD0, reseal(0)], [MAP0, MAP1], 3, 4),
  { op: 'close_session' },
  { op: 'bind_driver', dev: 0 },
  { op: 'bind_driver', dev: 1 },
  { op: 'attach_ioas', dev: 1, ioas: 1, hwpt: 5 },
  { op: 'bind_driver', dev: 2 },
];
const nightly: IommufdScope = {
  ...ci,
  hwpts: [{ ioas: 0, token: 1 }, { ioas: 1, token: 6 }, { ioas: 1, token: 7 }],
  restoreSlots: 3,
  devices: [{ group: 0, hwpt: 0 }, { group: 1, hwpt: 2 }, { group: 1, hwpt: 2 }],
  threads: [
    ci.threads[0]!.filter((o) => !(o.op === 'preserve_fd' && o.file.kind === 'cdev' && o.file.dev === 1)),
    [...ci.threads[1]!, { op: 'destroy', hwpt: 2 }, { op: 'unmap', ioas: 0, iova: 0 }],
    [{ op: 'replace', dev: 1, hwpt: 1 }, { op: 'destroy', hwpt: 2 }, { op: 'unmap', ioas: 0, iova: 0 }, { op: 'unmap', ioas: 0, iova: 1 }],
  ],
  restore: [NIGHTLY_RESTORE],
  failures: { ...ci.failures, lockObj: true, khoAlloc: true },
};

/**
 * 5.8: after kexec the VMM prepares the new IOAS first (seed 000), mapping
 * page P (page 1) where page Q (page 0) was, or the right page (whichever it
 * issues first wins, the other gets -EEXIST), then allocates the HWPT and
 * hot-swaps.
 */
const adoptUnverified: IommufdScope = {
  phases: 'lifecycle',
  iovas: 2,
  memfds: [{ pages: 2, seals: SEALED }],
  ioas: [{ areas: [{ iova: 0, memfd: 0, page: 0 }] }],
  hwpts: [{ ioas: 0, token: 1 }],
  restoreSlots: 1,
  devices: [{ group: 0, hwpt: 0 }],
  session: [{ file: MEMFD0, token: 1 }],
  threads: [[{ op: 'preserve_fd', file: IOMMUFD, token: 2 }, { op: 'preserve_fd', file: cdev(0), token: 3 }]],
  restore: [
    [
      { op: 'retrieve_session' },
      { op: 'retrieve_fd', file: MEMFD0 },
      { op: 'retrieve_fd', file: cdev(0) },
      reseal(0),
      { op: 'map_file', ioas: 0, memfd: 0, page: 1, iova: 0 },
      MAP0,
      { op: 'hwpt_alloc', ioas: 0, hwpt: 1 },
      { op: 'replace', dev: 0, hwpt: 1 },
    ],
  ],
  restoreStages: [[0, 0, 0, 0, 1, 1, 2, 3]],
  failures: NO_FAIL,
};

/** 5.10: dev1 preserved; the new kernel's VMM retrieves its memory, maybe the cdev, never builds D', and finishes. */
const finishUnclaimed: IommufdScope = {
  ...adoptUnverified,
  restoreStages: undefined,
  memfds: [{ pages: 1, seals: SEALED }],
  restoreSlots: 0,
  restore: [[{ op: 'retrieve_session' }, { op: 'retrieve_fd', file: MEMFD0 }, { op: 'retrieve_fd', file: cdev(0) }, { op: 'finish' }]],
};

/** Context entries: dev1 preserved, dev2 (with a PASID-table entry) not; a kernel driver then tries to bind to each. */
const sanitize: IommufdScope = {
  ...adoptUnverified,
  restoreStages: undefined,
  devices: [{ group: 0, hwpt: 0, pasid: true }, { group: 1, hwpt: 0, pasid: true }],
  restoreSlots: 0,
  restore: [[{ op: 'bind_driver', dev: 1 }, { op: 'bind_driver', dev: 0 }]],
};

/**
 * One device of a two-device iommu_group preserved: dev1 and dev2 share
 * group 1 and dev3 is alone in group 2, all three on the marked HWPT. T1
 * preserves the iommufd and the cdevs of dev1 and dev3, never dev2's (a
 * reboot can also come between two PRESERVE_FDs); reboot at any pause;
 * after boot a kernel driver tries to bind to dev2.
 */
const partialGroup: IommufdScope = {
  ...adoptUnverified,
  restoreStages: undefined,
  devices: [{ group: 0, hwpt: 0 }, { group: 0, hwpt: 0 }, { group: 1, hwpt: 0 }],
  restoreSlots: 0,
  threads: [[{ op: 'preserve_fd', file: IOMMUFD, token: 2 }, { op: 'preserve_fd', file: cdev(0), token: 3 }, { op: 'preserve_fd', file: cdev(2), token: 4 }]],
  restore: [[{ op: 'bind_driver', dev: 1 }]],
};

/**
 * The other order: the group's second device preserved, its first not.
 * dev1 and dev2 share group 1 and dev3 is alone in group 2, all three on
 * the marked HWPT; T1 preserves the iommufd and the cdevs of dev3 and
 * dev2, never dev1's; reboot at any pause; after boot kernel drivers try
 * to bind to each device.
 */
const partialGroupLast: IommufdScope = {
  ...partialGroup,
  threads: [[{ op: 'preserve_fd', file: IOMMUFD, token: 2 }, { op: 'preserve_fd', file: cdev(2), token: 4 }, { op: 'preserve_fd', file: cdev(1), token: 3 }]],
  restore: [[{ op: 'bind_driver', dev: 0 }, { op: 'bind_driver', dev: 1 }, { op: 'bind_driver', dev: 2 }]],
};

export const KEXEC_SCOPES: Readonly<Record<string, IommufdScope>> = {
  ci,
  deep,
  nightly,
  'adopt-unverified': adoptUnverified,
  'finish-unclaimed': finishUnclaimed,
  sanitize,
  'partial-group': partialGroup,
  'partial-group-last': partialGroupLast,
};

export const KEXEC_SCOPE_DOCS: Readonly<Record<string, string>> = {
  ci: 'default: the whole lifecycle with two devices: preserve (a failing iommu_domain_preserve, a reused token, a DESTROY of an unattached marked HWPT racing the count, an unsealed memfd mapped, resized and sealed), kexec, boot, rebuild and hot-swap, finish or cancel',
  deep: 'ci with a third memfd, a second HWPT, a third device, racing unmaps and DESTROYs and an IOAS-only attach',
  nightly: 'the nightly run: three devices (two in one iommu_group), two IOAS, three marked HWPTs, a sealed and an unsealed memfd, three threads racing unmaps, DESTROYs, a group REPLACE and resizes with the preserve, every injectable failure; the whole lifecycle',
  'adopt-unverified': '5.8: the VMM rebuilds a different mapping after kexec and hot-swaps it in',
  'finish-unclaimed': '5.10: FINISH with a restored domain nobody reclaimed',
  sanitize: 'context and PASID-table entries of a device without preserved state, and driver binding after boot',
  'partial-group': 'one device of a two-device iommu_group preserved, the other not: what the new kernel attaches to the group',
  'partial-group-last': "the other order: a two-device iommu_group's second device preserved, its first not",
};

/**
 * Known-bug cases: for each scenario the review found (README, "What the
 * series as posted gets wrong"), its
 * scope, the switch set on top of `fixed`, and the
 * invariant the exploration must find violated, or `ok` where the model
 * shows the scenario harmless (the comment says what in the kernel decides
 * it). With no switch set, every scope passes but those of open cases,
 * which name the switches (not proposed on the list) that close them.
 */
import type { KnownCase } from '../../../explorer/spec.js';
import { PRESETS } from './variants.js';
import { KHAWAJA_SEALS, SEED_000, SEED_002, SEED_003, SEED_004, V1_08_14, V2_13_16, V2_SERIES } from '../../../invariants/types.js';

export const IOMMUFD_CASES: readonly KnownCase[] = [
  {
    // Harmless: iommufd_preserve_hwpt's err path leaves the IOAS immutable only
    // when an earlier HWPT of the same P3 loop made it so and is preserved;
    // lu_mutex serializes every writer of the flag, and the error always goes
    // to out_unpreserve, which clears the flag of every preserved HWPT's IOAS.
    id: '5.1-shared-ioas',
    title: 'shared IOAS: failing h2 leaves A immutable (flag); logically incomplete, masked by the unwind',
    source: SEED_003,
    scope: 'shared-ioas',
    set: { immutability: 'flag' },
    expect: 'ok',
    found: 'fault',
  },
  {
    id: '5.2-count-race',
    title: 'HWPT count TOCTOU: DESTROY between P1 and P3 leaves nr_hwpts > preserved',
    source: SEED_003,
    scope: 'count-race',
    set: { hwptCount: 'two-pass' },
    invariant: 'blob-count-matches',
    expect: 'violation',
    found: 'race',
  },
  {
    id: '5.3-cached-seals',
    title: 'cached seals: memfd sealed after MAP_FILE is rejected -EINVAL',
    source: SEED_003,
    scope: 'cached-seals',
    set: { seals: 'cached' },
    invariant: 'seal-check-live',
    expect: 'violation',
    found: 'design check',
  },
  {
    // Khawaja's answer to the cached-seals review (20 May 2026): a live check
    // passes a memfd that was shrunk under its mapping before it was sealed;
    // memfd_luo preserves the page cache, not the pinned page.
    id: '5.3b-shrink-live',
    source: KHAWAJA_SEALS,
    title: 'live seal check: a mapped memfd shrunk before it is sealed keeps a pinned page KHO never preserves',
    scope: 'shrink-regrow',
    set: { seals: 'live' },
    invariant: 'leaves-kho-preserved',
    expect: 'violation',
    found: 'design check',
  },
  {
    id: '5.3b-shrink-cached',
    source: SEED_003,
    title: 'cached seal check on the same scope: the memfd sealed after the map is refused',
    scope: 'shrink-regrow',
    set: { seals: 'cached' },
    invariant: 'seal-check-live',
    expect: 'violation',
    found: 'design check',
  },
  {
    // Open: no seal the page check asks for stops FALLOC_FL_PUNCH_HOLE (only
    // F_SEAL_WRITE does, which guest memory cannot have), so every value of
    // `seals` fails here, `both` included.
    id: 'punch-hole',
    source: `derived: mm/shmem.c (shmem_fallocate refuses FALLOC_FL_PUNCH_HOLE only under F_SEAL_WRITE or a frozen mapping) and mm/memfd_luo.c (memfd_pin_folios fills holes), against the seal check of ${V2_13_16} and ${KHAWAJA_SEALS}`,
    title: 'a hole punched in a mapped memfd sealed SEAL|GROW|SHRINK: the pinned page is never KHO-preserved, whatever the seal check',
    scope: 'punch-hole',
    set: {},
    invariant: 'leaves-kho-preserved',
    expect: 'violation',
    found: 'design check',
    open: {
      closedBy: { pagesCheck: 'pinned' },
      why: 'no seal design on the list stops a hole punch; a page check that the pinned folios are still the page cache\'s (pagesCheck=pinned, not proposed on the list) does',
    },
  },
  {
    // The unwind makes the shared IOAS mutable while h2 is still preserved;
    // an IOAS_UNMAP in that window frees a KHO-marked table page of h2's
    // domain (if generic_pt frees empty levels on unmap, which the model assumes).
    // The first violation needs only the failing preserve (a fault); the
    // unmap in the window, the harm, is a race reported with --continue.
    id: '5.6-unwind-window',
    title: 'unwind window: unwinding h1 makes A mutable while h2 is still preserved',
    source: `derived from the shared-IOAS point of ${SEED_003}: the unwind of iommufd_preserve_hwpt quoted there`,
    scope: 'unwind-window',
    set: { immutability: 'flag' },
    invariant: 'immutable-iff-preserved',
    expect: 'violation',
    found: 'fault',
  },
  {
    // Harmless as v2's commit text places the test (under domains_rwsem, which
    // ioas_set_immutable takes for write); a violation with v1's placement.
    id: '5.7-map-in-flight',
    title: 'map in flight: M3 fills a domain after preserve made the IOAS immutable (v1 placement)',
    source: `derived from the commit text of ${V2_13_16}: 'synchronized using the domains_rwsem'`,
    scope: 'map-in-flight',
    set: { immutableCheck: 'area-insert' },
    invariant: 'freeze-no-mutation',
    expect: 'violation',
    found: 'race',
  },
  {
    // As posted, check_iopt_pages_preserved reads area->pages->type without a
    // NULL test; a MAP_FILE between iopt_alloc_area_pages (area inserted with
    // pages NULL) and taking domains_rwsem leaves such an area for the
    // preserve that just made the IOAS immutable. Under either immutableCheck.
    id: '5.7-null-pages',
    title: 'map in flight: the page check reads the NULL pages of the area being mapped (NULL-pointer oops in PRESERVE_FD)',
    source: `check_iopt_pages_preserved and iopt_map_pages as posted in ${V2_13_16} (samikhawaja/linux 40fa88e3a40a for io_pagetable.c)`,
    scope: 'map-in-flight',
    set: { pagesNull: 'oops' },
    invariant: 'cancel-restores',
    expect: 'violation',
    found: 'race',
  },
  {
    id: '5.9-group-replace',
    title: 'partial REPLACE in a multi-device group: the other idevs lag behind the hardware',
    source: SEED_004,
    scope: 'group-replace',
    set: { replace: 'per-device' },
    invariant: 'replace-bookkeeping',
    expect: 'violation',
    found: 'design check',
  },
  {
    // No buggy switch: under fixed every wrong PRESERVE_FD order is reached and
    // refused with nothing changed (cancel-restores holds, its witness is reached).
    id: '5.11-preserve-order',
    title: 'PRESERVE_FD order mistakes are refused with nothing changed',
    source: `torvalds/linux kernel/liveupdate/luo_file.c; check_iopt_pages_preserved in ${V2_13_16}; iommu_preserve_device in patch 15/16 of ${V2_SERIES}`,
    scope: 'preserve-order',
    set: {},
    expect: 'ok',
    found: 'design check',
  },
  {
    // Harmless: MARK_PRESERVE takes lu_mutex, so under two-pass too the
    // marks P3 walks are the ones P1 counted (a mark that ignored the mutex
    // would make P3 write past nr_hwpts: blob-count-matches).
    id: 'mark-beside-preserve',
    title: 'MARK_PRESERVE of a second HWPT beside a preserve cannot grow the count P3 walks',
    source: `${SEED_003} (the walk has no i < nr check); iommufd_hwpt_liveupdate_mark_preserve in ${V2_13_16}`,
    scope: 'mark-beside-preserve',
    set: { hwptCount: 'two-pass' },
    expect: 'ok',
    found: 'race',
  },
  {
    // Harmless under fixed: iommufd_lock_obj failing at P1 (hwptCount=stable)
    // returns -ENOENT with nothing locked, and one failing in the P3 loop
    // unwinds; a marked HWPT destroyed meanwhile is -EBUSY while locked.
    id: 'lock-obj-failure',
    title: 'iommufd_lock_obj fails in the preserve while a marked HWPT is destroyed: nothing is left behind',
    source: `iommufd_lock_obj in ${V2_13_16} (drivers/iommu/iommufd/main.c: fails once the object is being destroyed)`,
    scope: 'lock-obj-failure',
    set: {},
    expect: 'ok',
    found: 'fault',
  },
  {
    // A fault: the search picks the failing kho_alloc_preserve; what follows
    // (the write through ERR_PTR and the oops) is what allocCheck=null states.
    id: '5.12-alloc-failure',
    title: 'kho_alloc_preserve fails in P2: the NULL test misses ERR_PTR and writes through it',
    source: `derived from P2's 'if (!mem)' in ${V2_13_16}; kho_alloc_preserve returns ERR_PTR, never NULL (torvalds/linux kernel/liveupdate/kexec_handover.c)`,
    scope: 'alloc-failure',
    set: { allocCheck: 'null' },
    invariant: 'cancel-restores',
    expect: 'violation',
    found: 'fault',
  },
  {
    // 5.8 (seed 002): the VMM maps page P where Q was, or hot-swaps before it
    // mapped everything; without the compare the restored domain is replaced.
    id: '5.8-adopt-unverified',
    title: 'adoption without comparison: a rebuilt HWPT with a different radix tree replaces the restored domain',
    source: SEED_002,
    scope: 'adopt-unverified',
    set: { verify: 'trust' },
    invariant: 'rebuilt-equals-preserved',
    expect: 'violation',
    found: 'design check',
  },
  {
    // 5.10 (seed 000), "do nothing": the unclaimed device stays on the restored
    // domain, owned by a dead token, and keeps DMA going into the guest pages
    // FINISH frees when nobody retrieved the memfd (finish-clean also fails).
    id: '5.10-finish-leave',
    title: 'FINISH leaves a restored domain nobody reclaimed attached: DMA into freed pages, a dead owner',
    source: SEED_000,
    scope: 'finish-unclaimed',
    set: { finish: 'leave' },
    invariant: 'no-dma-to-free',
    expect: 'violation',
    found: 'design check',
  },
  {
    id: '5.10-finish-blocking',
    title: 'FINISH switches an unclaimed device to blocking without an FLR: in-flight DMA faults',
    source: SEED_000,
    scope: 'finish-unclaimed',
    set: { finish: 'blocking' },
    invariant: 'finish-clean',
    expect: 'violation',
    found: 'design check',
  },
  {
    id: 'sanitize-none',
    title: 'the new IOMMU driver keeps the context entry of a device without preserved state',
    source: SEED_000,
    scope: 'sanitize',
    set: { sanitize: 'none' },
    invariant: 'ctx-sanitized',
    expect: 'violation',
    found: 'design check',
  },
  {
    id: 'sanitize-ctx-only',
    title: 'the new IOMMU driver clears context entries but not the PASID table of a device without preserved state',
    source: SEED_000,
    scope: 'sanitize',
    set: { sanitize: 'ctx-only' },
    invariant: 'ctx-sanitized',
    expect: 'violation',
    found: 'design check',
  },
  {
    // Open: nothing in the series refuses a partly preserved iommu_group
    // (iommu_preserve_device looks only at its device), and the new kernel
    // restores the domain for the group's first device and sets it as the
    // group's domain: the VT-d attach writes a context entry for every other
    // device of the group, preserved or not, into the previous kernel's
    // tables. Under every preset; groupPreserve=whole (the cdev's freeze
    // refuses the reboot) is not on the list.
    id: 'partial-group',
    title: "one device of a two-device iommu_group preserved: B3 attaches the restored domain to the whole group, the other device's context entry points into the previous kernel's tables",
    source: `iommu_setup_default_domain and __iommu_group_maybe_restore_domain in ${V1_08_14}; iommu_preserve_device (samikhawaja/linux drivers/iommu/liveupdate.c) and iommufd_device_preserve (Samiullah Khawaja, 3 Feb 2026, '[PATCH 12/14] iommufd: Add APIs to preserve/unpreserve a vfio cdev' <20260203220948.2176157-13-skhawaja@google.com>) check no other device of the group`,
    scope: 'partial-group',
    set: {},
    invariant: 'ctx-sanitized',
    expect: 'violation',
    found: 'design check',
    open: {
      closedBy: { groupPreserve: 'whole' },
      why: 'no posted code looks at the other devices of a preserved device\'s iommu_group; a freeze that refuses reboot(KEXEC) while a group is preserved in part (groupPreserve=whole, not proposed on the list) closes it',
    },
  },
  {
    // Open: the other order. The group's first device has no incoming
    // state, so __iommu_group_maybe_restore_domain returns NULL and the
    // group gets the default domain, unowned; the VT-d attach skips the
    // context setup for the preserved later device, whose DMA keeps walking
    // the previous kernel's tables, which nobody restores, while any kernel
    // driver may bind to the group. Under every preset; groupPreserve=whole
    // closes it as it closes partial-group.
    id: 'partial-group-last',
    title: "a two-device iommu_group's second device preserved, its first not: B3 gives the group the default domain and no owner, the preserved device's context entry stays on the previous kernel's tables",
    source: `__iommu_group_maybe_restore_domain (iommu_group_first_dev), dmar_domain_attach_device (no context setup with device_ser) and __iommu_attach_device (device_ser cleared) in ${V1_08_14}`,
    scope: 'partial-group-last',
    set: {},
    invariant: 'owned-blocks-other-drivers',
    expect: 'violation',
    found: 'design check',
    open: {
      closedBy: { groupPreserve: 'whole' },
      why: 'the posted code restores a group\'s domain only for its first device and looks at no other device of a preserved device\'s group; a freeze that refuses reboot(KEXEC) while a group is preserved in part (groupPreserve=whole, not proposed on the list) closes it',
    },
  },
  {
    id: 'ci-trust',
    title: 'the whole lifecycle without the radix-tree compare: a hot-swap before the rebuild is complete',
    source: SEED_002,
    scope: 'ci',
    set: { verify: 'trust' },
    invariant: 'rebuilt-equals-preserved',
    expect: 'violation',
    found: 'design check',
  },
  {
    // The shortest violation on v2 as posted is the NULL pages the page check
    // reads (5.7-null-pages: T2's MAP_FILE of memfd2 is between M2 and M3).
    // With --continue the same run also reports the count race
    // (blob-count-matches), the cached seals (seal-check-live), the hot-swap
    // without the radix-tree compare (rebuilt-equals-preserved,
    // dma-continuity), what phase 2 must fix (v2's iommufd retrieve is
    // -EOPNOTSUPP and its can_finish always false: restore-progress) and
    // what leaving a restored domain at FINISH does (no-dma-to-free,
    // finish-clean). The new kernel's BUG on the count race's empty blob
    // entry (restore-no-panic) needs a retrieve that reads the entries:
    // --set retrieve=walk.
    id: 'ci-v2',
    title: 'the v2 series as posted, default scope: PRESERVE_FD reads the NULL pages of an area T2 is mapping (oops)',
    source: `check_iopt_pages_preserved and iopt_map_pages as posted in ${V2_13_16}`,
    scope: 'ci',
    set: PRESETS['v2']!,
    invariant: 'cancel-restores',
    expect: 'violation',
    found: 'race',
  },
  {
    id: '5.2-count-race-v2',
    title: 'the v2 series as posted, count-race scope',
    source: SEED_003,
    scope: 'count-race',
    set: PRESETS['v2']!,
    invariant: 'blob-count-matches',
    expect: 'violation',
    found: 'race',
  },
  {
    id: '5.3-cached-seals-v2',
    title: 'the v2 series as posted, cached-seals scope',
    source: SEED_003,
    scope: 'cached-seals',
    set: PRESETS['v2']!,
    invariant: 'seal-check-live',
    expect: 'violation',
    found: 'design check',
  },
];

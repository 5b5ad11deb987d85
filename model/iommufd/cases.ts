/**
 * Known-bug cases (DESIGN.md): for each scenario of DOMAIN.md section 5 that
 * happens before kexec, its scope, the switch set on top of `fixed`, and the
 * invariant the exploration must find violated, or `ok` where the model
 * shows the scenario harmless (the comment says what in the kernel decides
 * it). With no switch set, every scope passes.
 */
import type { KnownCase } from '../../explorer/spec.js';
import { PRESETS } from './variants.js';

export const IOMMUFD_CASES: readonly KnownCase[] = [
  {
    // Harmless: iommufd_preserve_hwpt's err path leaves the IOAS immutable only
    // when an earlier HWPT of the same P3 loop made it so and is preserved;
    // lu_mutex serializes every writer of the flag, and the error always goes
    // to out_unpreserve, which clears the flag of every preserved HWPT's IOAS.
    id: '5.1-shared-ioas',
    title: 'shared IOAS: failing h2 leaves A immutable (flag); logically incomplete, masked by the unwind',
    scope: 'shared-ioas',
    set: { immutability: 'flag' },
    expect: 'ok',
  },
  {
    id: '5.2-count-race',
    title: 'HWPT count TOCTOU: DESTROY between P1 and P3 leaves nr_hwpts > preserved',
    scope: 'count-race',
    set: { hwptCount: 'two-pass' },
    invariant: 'blob-count-matches',
    expect: 'violation',
  },
  {
    id: '5.3-cached-seals',
    title: 'cached seals: memfd sealed after MAP_FILE is rejected -EINVAL',
    scope: 'cached-seals',
    set: { seals: 'cached' },
    invariant: 'seal-check-live',
    expect: 'violation',
  },
  {
    // The unwind makes the shared IOAS mutable while h2 is still preserved;
    // an IOAS_UNMAP in that window frees a KHO-marked table page of h2's
    // domain (if generic_pt frees empty levels on unmap, which the model assumes).
    id: '5.6-unwind-window',
    title: 'unwind window: unwinding h1 makes A mutable while h2 is still preserved',
    scope: 'unwind-window',
    set: { immutability: 'flag' },
    invariant: 'immutable-iff-preserved',
    expect: 'violation',
  },
  {
    // Harmless as v2's commit text places the test (under domains_rwsem, which
    // ioas_set_immutable takes for write); a violation with v1's placement.
    id: '5.7-map-in-flight',
    title: 'map in flight: M3 fills a domain after preserve made the IOAS immutable (v1 placement)',
    scope: 'map-in-flight',
    set: { immutableCheck: 'area-insert' },
    invariant: 'freeze-no-mutation',
    expect: 'violation',
  },
  {
    id: '5.9-group-replace',
    title: 'partial REPLACE in a multi-device group: the other idevs lag behind the hardware',
    scope: 'group-replace',
    set: { replace: 'per-device' },
    invariant: 'replace-bookkeeping',
    expect: 'violation',
  },
  {
    // No buggy switch: under fixed every wrong PRESERVE_FD order is reached and
    // refused with nothing changed (cancel-restores holds, its witness is reached).
    id: '5.11-preserve-order',
    title: 'PRESERVE_FD order mistakes are refused with nothing changed',
    scope: 'preserve-order',
    set: {},
    expect: 'ok',
  },
  {
    id: '5.12-alloc-failure',
    title: 'kho_alloc_preserve fails in P2: the NULL test misses ERR_PTR and writes through it',
    scope: 'alloc-failure',
    set: { allocCheck: 'null' },
    invariant: 'cancel-restores',
    expect: 'violation',
  },
  {
    id: '5.2-count-race-v2',
    title: 'the v2 series as posted, count-race scope',
    scope: 'count-race',
    set: PRESETS['v2']!,
    invariant: 'blob-count-matches',
    expect: 'violation',
  },
  {
    id: '5.3-cached-seals-v2',
    title: 'the v2 series as posted, cached-seals scope',
    scope: 'cached-seals',
    set: PRESETS['v2']!,
    invariant: 'seal-check-live',
    expect: 'violation',
  },
];

/**
 * memfd size, page cache and KHO marks (model/iommufd/kernel/memfd.ts, pages.ts):
 * ftruncate and fallocate where shmem allows them, a pinned folio that
 * leaves the page cache, memfd_luo_preserve filling holes and marking page
 * by page, and the seal switch's map-time requirement.
 */
import { describe, expect, test } from 'vitest';
import { labels, modelFor, walk } from './helpers.js';
import { getFolio, pfnOf } from '../../model/iommufd/kernel/pages.js';
import { F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_WRITE, type State } from '../../model/iommufd/state/types.js';

const MAP = ['IOAS_MAP_FILE M1', 'IOAS_MAP_FILE M2', 'IOAS_MAP_FILE M3', 'IOAS_MAP_FILE M4'];
const withMemfd = (s: State, f: (m: State['memfds'][number]) => State['memfds'][number]): State => ({ ...s, memfds: s.memfds.map((m, i) => (i === 0 ? f(m) : m)) });

describe('ftruncate (shmem_setattr)', () => {
  const m = modelFor('shrink-regrow', { seals: 'live', pagesCheck: 'seals' });
  test('a shrink drops the pinned folio from the page cache; the area keeps its pin and the domain its leaf', () => {
    const s = walk(m, [...MAP, 'ftruncate memfd1 to 0']);
    expect(s.memfds[0]).toMatchObject({ size: 0, cache: [-1] });
    expect(s.ioas[0]!.areas[0]!.pfn).toBe(pfnOf(0, 0));
    expect(s.hwpts[0]!.domain.leaves[0]).toBe(pfnOf(0, 0));
  });
  test('a regrowth leaves a hole; the folio that fills it is a new one, never the pinned one', () => {
    const s = walk(m, [...MAP, 'ftruncate memfd1 to 0', 'ftruncate memfd1 to 1']);
    expect(s.memfds[0]).toMatchObject({ size: 1, cache: [-1] });
    const [n, pfn] = getFolio(s, 0, 0);
    expect(pfn).toBe(pfnOf(0, 1));
    expect(n.memfds[0]!.cache).toEqual([1]);
    expect(getFolio(s, 0, 1)[1]).toBe(-1); // past EOF
  });
  test('SHRINK and GROW seals and a frozen mapping refuse size changes (-EPERM), and nothing changes', () => {
    const s0 = m.initStates()[0]!;
    const shrinkSealed = withMemfd(s0, (x) => ({ ...x, seals: F_SEAL_SHRINK }));
    const a = m.actions(shrinkSealed).find((x) => m.label(x).startsWith('ftruncate memfd1 to 0'))!;
    const n = m.nextState(shrinkSealed, a);
    expect(n.memfds).toBe(shrinkSealed.memfds);
    expect(n.threads[0]!.done).not.toBe(0);
    const frozen = walk(m, ['PRESERVE_FD memfd1']);
    const b = m.actions(frozen).find((x) => m.label(x).startsWith('ftruncate memfd1 to 0'))!;
    expect(m.nextState(frozen, b).memfds).toBe(frozen.memfds);
  });
});

describe('fallocate (shmem_fallocate)', () => {
  const m = modelFor('punch-hole');
  test('PUNCH_HOLE drops the folio from the page cache even under SEAL|GROW|SHRINK', () => {
    const s = walk(m, ['fallocate memfd1 page 0 PUNCH_HOLE']);
    expect(s.memfds[0]).toMatchObject({ size: 1, cache: [-1] });
    expect(s.ioas[0]!.areas[0]!.pfn).toBe(pfnOf(0, 0));
  });
  test('F_SEAL_WRITE and a frozen mapping refuse a hole punch', () => {
    const sealed = withMemfd(m.initStates()[0]!, (x) => ({ ...x, seals: x.seals | F_SEAL_WRITE }));
    const a = m.actions(sealed).find((x) => m.label(x).startsWith('fallocate'))!;
    expect(m.nextState(sealed, a).memfds).toBe(sealed.memfds);
    const frozen = walk(m, ['PRESERVE_FD memfd1']);
    const b = m.actions(frozen).find((x) => m.label(x).startsWith('fallocate'))!;
    expect(m.nextState(frozen, b).memfds).toBe(frozen.memfds);
  });
});

describe('memfd_luo_preserve marks the page cache, page by page', () => {
  test('a hole is filled with a new folio and only that is KHO-marked; the pinned, truncated folio is not', () => {
    const m = modelFor('punch-hole');
    const s = walk(m, ['fallocate memfd1 page 0 PUNCH_HOLE', 'PRESERVE_FD memfd1']);
    expect(s.memfds[0]).toMatchObject({ preserved: true, frozen: true, cache: [1], kho: 0b10 });
    expect(s.hwpts[0]!.domain.leaves[0]).toBe(pfnOf(0, 0));
  });
  test('a memfd shrunk to nothing marks nothing', () => {
    const m = modelFor('shrink-regrow', { seals: 'live', pagesCheck: 'seals' });
    const s = walk(m, [...MAP, 'ftruncate memfd1 to 0', 'F_ADD_SEALS', 'PRESERVE_FD memfd1']);
    expect(s.memfds[0]).toMatchObject({ preserved: true, kho: 0 });
  });
});

describe('the seal switch and the pinned-page check', () => {
  test('seals=both: MAP_FILE of a memfd without GROW|SHRINK fails -EINVAL at M1', () => {
    const m = modelFor('shrink-regrow', { seals: 'both' });
    const s = walk(m, ['IOAS_MAP_FILE M1']);
    expect(s.ioas[0]!.areas).toEqual([]);
    expect(s.threads[0]).toMatchObject({ pc: 'idle', done: 1 });
  });
  test('pagesCheck=pinned: the page check refuses an area whose pinned folio left the page cache', () => {
    const m = modelFor('punch-hole', { pagesCheck: 'pinned' });
    const pre = ['fallocate memfd1 page 0 PUNCH_HOLE', 'PRESERVE_FD memfd1', 'iommufd_preserve P0', 'iommufd_preserve P1', 'iommufd_preserve P2', 'iommufd_preserve P3a', 'iommufd_preserve P3c_imm'];
    expect(walk(m, [...pre, 'iommufd_preserve P3c_check']).threads[0]!.pc).toBe('P3c_err');
    const seals = modelFor('punch-hole', { pagesCheck: 'seals' });
    expect(walk(seals, [...pre, 'iommufd_preserve P3c_check']).threads[0]!.pc).toBe('P3c_domain');
  });
  test('F_SEAL_SEAL stops every later F_ADD_SEALS', () => {
    const m = modelFor('shrink-regrow');
    const s = withMemfd(m.initStates()[0]!, (x) => ({ ...x, seals: F_SEAL_SEAL }));
    const a = m.actions(s).find((x) => m.label(x).startsWith('F_ADD_SEALS'))!;
    expect(m.nextState(s, a).memfds).toBe(s.memfds);
    expect(labels(m, s).some((l) => l.includes('ftruncate memfd1 to 0'))).toBe(true);
  });
});

describe('pins follow the domains', () => {
  test('MAP_FILE into an IOAS without a domain pins nothing; HWPT_ALLOC pins, IOMMU_DESTROY of the last domain unpins', () => {
    const m = modelFor('adopt-unverified');
    // After kexec the new IOAS has no domain: the VMM's maps are unpinned until HWPT_ALLOC.
    let s = m.initStates()[0]!;
    for (let i = 0; i < 200 && !m.actions(s).some((a) => m.label(a).startsWith('HWPT_ALLOC')); i++) s = m.nextState(s, m.actions(s)[0]!);
    expect(s.ioas[0]!.areas.length).toBeGreaterThan(0);
    expect(s.ioas[0]!.areas.every((x) => x.pfn === -1)).toBe(true);
    const alloc = m.actions(s).find((a) => m.label(a).startsWith('HWPT_ALLOC'))!;
    const n = m.nextState(s, alloc);
    expect(n.ioas[0]!.areas.every((x) => x.pfn >= 0)).toBe(true);
  });
});

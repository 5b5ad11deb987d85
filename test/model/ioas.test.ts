/** IOAS_MAP_FILE M1-M4 and IOAS_UNMAP (model/iommufd/kernel/ioas.ts, io_pagetable.ts, pages.ts). */
import { describe, expect, test } from 'vitest';
import { labels, modelFor, walk } from './helpers.js';

const MAP = 'IOAS_MAP_FILE';

describe('IOAS_MAP_FILE', () => {
  const m = modelFor('map-in-flight');
  test('M1 snapshots the seals, M2 inserts a NULL-pages area, M3 fills every domain, M4 sets pages', () => {
    const s0 = m.initStates()[0]!;
    const s1 = walk(m, [[`${MAP} M1`, 'T2']], s0);
    expect(s1.threads[1]!).toMatchObject({ pc: 'M2', seals: 0x6 }); // memfd2: GROW|SHRINK
    expect(s1.ioas).toBe(s0.ioas);
    const s2 = walk(m, [[`${MAP} M2`, 'T2']], s1);
    expect(s2.ioas[0]!.areas.map((a) => [a.iova, a.pages])).toEqual([[0, true], [2, false]]);
    expect(s2.hwpts).toBe(s1.hwpts);
    const s3 = walk(m, [[`${MAP} M3`, 'T2']], s2);
    expect(s3.hwpts[0]!.domain.leaves).toEqual([0, -1, 8, -1]);
    expect(s3.hwpts[0]!.domain.tables).toBe(0b11);
    const s4 = walk(m, [[`${MAP} M4`, 'T2']], s3);
    expect(s4.ioas[0]!.areas[1]!.pages).toBe(true);
    expect(s4.threads[1]!).toMatchObject({ pc: 'idle', op: -1, done: 1 });
    expect(s4.memfds).toBe(s0.memfds);
  });

  test('fill-domains: M3 on an immutable IOAS returns -EBUSY and removes the area', () => {
    const s = walk(m, [[`${MAP} M1`, 'T2'], [`${MAP} M2`, 'T2'], 'iommufd_preserve P0', 'iommufd_preserve P1', 'iommufd_preserve P2', 'iommufd_preserve P3a', 'iommufd_preserve P3c_imm']);
    expect(s.ioas[0]!.immutable).toBe(1);
    const n = walk(m, [[`${MAP} M3`, 'T2']], s);
    expect(n.ioas[0]!.areas.map((a) => a.iova)).toEqual([0]);
    expect(n.hwpts).toBe(s.hwpts);
  });

  test('area-insert: M2 on an immutable IOAS returns -EBUSY', () => {
    const v1 = modelFor('map-in-flight', { immutableCheck: 'area-insert' });
    const s = walk(v1, ['iommufd_preserve P0', 'iommufd_preserve P1', 'iommufd_preserve P2', 'iommufd_preserve P3a', 'iommufd_preserve P3c_imm', [`${MAP} M1`, 'T2']]);
    const n = walk(v1, [[`${MAP} M2`, 'T2']], s);
    expect(n.ioas).toBe(s.ioas);
    expect(n.threads[1]!.done).toBe(1);
  });

  test('ioas_set_immutable waits while a map holds domains_rwsem read (between M3 and M4)', () => {
    const s = walk(m, [[`${MAP} M1`, 'T2'], [`${MAP} M2`, 'T2'], [`${MAP} M3`, 'T2'], 'iommufd_preserve P0', 'iommufd_preserve P1', 'iommufd_preserve P2', 'iommufd_preserve P3a']);
    expect(labels(m, s).some((l) => l.includes('P3c_imm'))).toBe(false);
    const n = walk(m, [[`${MAP} M4`, 'T2']], s);
    expect(labels(m, n).some((l) => l.includes('P3c_imm'))).toBe(true);
  });

  test('M2 on a used IOVA returns -EEXIST', () => {
    const m2 = modelFor({ ...modelFor('map-in-flight').ctx.scope, threads: [[{ op: 'map_file', ioas: 0, memfd: 1, page: 0, iova: 0 }]] });
    const s = walk(m2, [`${MAP} M1`, `${MAP} M2`]);
    expect(s.ioas[0]!.areas).toHaveLength(1);
    expect(s.threads[0]!.done).toBe(1);
  });
});

describe('IOAS_UNMAP', () => {
  test('unmaps from every domain and frees the emptied leaf table', () => {
    const m = modelFor('unwind-window');
    const s = walk(m, ['IOAS_UNMAP']);
    expect(s.ioas[0]!.areas).toEqual([]);
    for (const h of s.hwpts) expect(h.domain).toMatchObject({ leaves: [-1, -1], tables: 0 });
  });

  test('-EBUSY on an immutable IOAS', () => {
    const m = modelFor('unwind-window');
    const s = walk(m, ['iommufd_preserve P0', 'iommufd_preserve P1', 'iommufd_preserve P2', 'iommufd_preserve P3a', 'iommufd_preserve P3c_imm']);
    const n = walk(m, ['IOAS_UNMAP'], s);
    expect(n.ioas).toBe(s.ioas);
    expect(n.hwpts).toBe(s.hwpts);
  });

  test('-EBUSY on an area whose map is in flight, -ENOENT on an empty slot', () => {
    const scope = { ...modelFor('map-in-flight').ctx.scope, threads: [[{ op: 'map_file' as const, ioas: 0, memfd: 1, page: 0, iova: 2 }], [{ op: 'unmap' as const, ioas: 0, iova: 2 }]] };
    const m = modelFor(scope);
    const s = walk(m, [[`${MAP} M1`, 'T1'], [`${MAP} M2`, 'T1']]);
    const n = walk(m, [['IOAS_UNMAP', 'T2']], s);
    expect(n.ioas).toBe(s.ioas);
    const e = walk(m, [['IOAS_UNMAP', 'T2']]);
    expect(e.ioas).toEqual(m.initStates()[0]!.ioas);
  });
});

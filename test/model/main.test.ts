/** IOMMU_DESTROY and the object references (model/iommufd/kernel/main.ts). */
import { describe, expect, test } from 'vitest';
import { expectedUsers, markedCount, nextMarked } from '../../model/iommufd/kernel/main.js';
import { modelFor, walk } from './helpers.js';

describe('IOMMU_DESTROY', () => {
  test('users == 1: the entry is erased with its mark and the domain freed', () => {
    const m = modelFor('count-race');
    const s0 = m.initStates()[0]!;
    const s = walk(m, ['IOMMU_DESTROY hwpt2'], s0);
    expect(s.hwpts[1]).toMatchObject({ alive: false, marked: false, users: 0 });
    expect(s.hwpts[0]).toBe(s0.hwpts[0]);
    expect(nextMarked(s, 0)).toBe(-1);
    expect(markedCount(s)).toBe(1);
  });
  test('an attached HWPT gives -EBUSY', () => {
    const m = modelFor({ ...modelFor('shared-ioas').ctx.scope, threads: [[{ op: 'destroy', hwpt: 0 }]] });
    const s0 = m.initStates()[0]!;
    const s = walk(m, ['IOMMU_DESTROY hwpt1'], s0);
    expect(s.hwpts).toBe(s0.hwpts);
    expect(expectedUsers(s0, 0)).toBe(2);
  });
  test('destroy waits while a MAP_FILE on its IOAS holds domains_rwsem read', () => {
    const scope = { ...modelFor('map-in-flight').ctx.scope, hwpts: [{ ioas: 0 }], threads: [[{ op: 'map_file' as const, ioas: 0, memfd: 1, page: 0, iova: 2 }], [{ op: 'destroy' as const, hwpt: 0 }]] };
    const m = modelFor(scope);
    const s = walk(m, ['IOAS_MAP_FILE M1', 'IOAS_MAP_FILE M2', 'IOAS_MAP_FILE M3']);
    expect(m.actions(s).map((a) => m.label(a))).toEqual(['IOAS_MAP_FILE M4 set area.pages, unlock: ioas1 iova 2 -> memfd2[0]']);
  });
});

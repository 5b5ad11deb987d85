/**
 * The io_pagetable and hw_pagetable helpers on small hand-built values:
 * areas kept sorted by IOVA, only the named area completed or pinned, pages
 * unpinned only when no live domain remains on the IOAS, a table page freed
 * only when its last leaf goes, and only the live HWPTs of an IOAS visited.
 * Written for the mutants of model/iommufd/kernel/io_pagetable.ts and
 * hw_pagetable.ts that the transition tests let live.
 */
import { describe, expect, it } from 'vitest';
import { areaAt, completeArea, insertArea, mappedAreas, pinArea, removeArea, unpinIfNoDomain } from '../../model/iommufd/kernel/io_pagetable.js';
import { domainMap, domainUnmap, emptyDomain, forEachDomain, hwptsOn, tableOf } from '../../model/iommufd/kernel/hw_pagetable.js';
import { TABLE_SPAN, type Ioas, type IoptArea, type State } from '../../model/iommufd/state/types.js';
import { modelFor } from './helpers.js';

const area = (iova: number, more: Partial<IoptArea> = {}): IoptArea => ({ iova, memfd: 0, page: iova, seals: 0, pages: false, pfn: -1, ...more });
const ioas = (...areas: IoptArea[]): Ioas => ({ immutable: 0, areas });

describe('io_pagetable helpers', () => {
  it('insertArea keeps the areas sorted by IOVA, wherever the new one goes', () => {
    expect(insertArea(ioas(area(0), area(3)), area(1)).areas.map((x) => x.iova)).toEqual([0, 1, 3]);
    expect(insertArea(ioas(area(2)), area(0)).areas.map((x) => x.iova)).toEqual([0, 2]);
    expect(insertArea(ioas(area(5), area(9)), area(7)).areas.map((x) => x.iova)).toEqual([5, 7, 9]);
    expect(removeArea(ioas(area(0), area(1)), 0).areas.map((x) => x.iova)).toEqual([1]);
    expect(areaAt(ioas(area(0), area(1)), 1)?.iova).toBe(1);
  });

  it('completeArea and pinArea change the named area only', () => {
    const io = ioas(area(0), area(1));
    expect(completeArea(io, 1).areas.map((x) => x.pages)).toEqual([false, true]);
    expect(pinArea(io, 1, 7).areas.map((x) => x.pfn)).toEqual([-1, 7]);
    expect(pinArea(io, 0, 3).areas.map((x) => x.pfn)).toEqual([3, -1]);
  });

  it('mappedAreas are the areas whose pages are filled', () => {
    expect(mappedAreas(ioas(area(0, { pages: true }), area(1))).map((x) => x.iova)).toEqual([0]);
  });

  describe('unpinIfNoDomain', () => {
    const base = (): State => {
      const s = modelFor('shared-ioas').initStates()[0]!;
      // IOAS 0 with two pinned areas (pfn 0 is a page too)
      return { ...s, ioas: s.ioas.map((io, i) => (i === 0 ? ioas(area(0, { pfn: 0, pages: true }), area(1, { pfn: 4, pages: true })) : io)) };
    };
    it('keeps the pins while a live HWPT is on the IOAS (beside live ones on another IOAS)', () => {
      const s = base();
      expect(s.hwpts.some((h) => h.alive && h.ioas === 0)).toBe(true);
      expect(unpinIfNoDomain(s, 0)).toBe(s);
      const other = { ...s, hwpts: [...s.hwpts, { ...s.hwpts[0]!, ioas: 7 }] };
      expect(unpinIfNoDomain(other, 0)).toBe(other);
    });
    it('unpins every area once no live HWPT is left on it (destroyed ones, or ones on another IOAS, do not count)', () => {
      const s = base();
      const dead = { ...s, hwpts: s.hwpts.map((h) => ({ ...h, alive: h.ioas === 0 ? false : h.alive })) };
      expect(unpinIfNoDomain(dead, 0).ioas[0]!.areas.map((x) => x.pfn)).toEqual([-1, -1]);
      const moved = { ...s, hwpts: s.hwpts.map((h) => ({ ...h, ioas: h.ioas === 0 ? 5 : h.ioas })) };
      expect(unpinIfNoDomain(moved, 0).ioas[0]!.areas.map((x) => x.pfn)).toEqual([-1, -1]);
      // only pfn 0 pinned: still unpinned
      const zero = { ...dead, ioas: dead.ioas.map((io, i) => (i === 0 ? ioas(area(0, { pfn: 0 }), area(1)) : io)) };
      expect(unpinIfNoDomain(zero, 0).ioas[0]!.areas.map((x) => x.pfn)).toEqual([-1, -1]);
      // nothing pinned: the IOAS is left as it is
      const none = { ...dead, ioas: dead.ioas.map((io, i) => (i === 0 ? ioas(area(0), area(1)) : io)) };
      expect(unpinIfNoDomain(none, 0).ioas[0]).toBe(none.ioas[0]);
      // no IOAS (-1): nothing to do
      expect(unpinIfNoDomain(dead, -1)).toBe(dead);
    });
  });
});

describe('hw_pagetable helpers', () => {
  it('an empty domain maps nothing, has no tables or marks, and is not preserved', () => {
    expect(emptyDomain(3)).toEqual({ leaves: [-1, -1, -1], tables: 0, kho: 0, preservedState: false, restored: 0 });
  });

  it('domainUnmap frees a table page when its last leaf goes, not before (pfn 0 is a leaf), and no other table', () => {
    expect(TABLE_SPAN).toBeGreaterThanOrEqual(2);
    const two = domainMap(domainMap(emptyDomain(2 * TABLE_SPAN), 0, 0), 1, 5);
    expect(tableOf(0)).toBe(tableOf(1));
    expect(domainUnmap(two, 1).tables).toBe(1); // leaf 0 (pfn 0) still in table 0
    expect(domainUnmap(domainUnmap(two, 1), 0).tables).toBe(0);
    // a leaf in table 1 does not keep table 0
    const apart = domainMap(domainMap(emptyDomain(2 * TABLE_SPAN), 0, 3), TABLE_SPAN, 4);
    expect(apart.tables).toBe(0b11);
    expect(domainUnmap(apart, 0).tables).toBe(0b10);
  });

  it('hwptsOn and forEachDomain see the live HWPTs of the IOAS only', () => {
    const s0 = modelFor('shared-ioas').initStates()[0]!;
    const s: State = { ...s0, hwpts: [...s0.hwpts, { ...s0.hwpts[0]!, alive: false }, { ...s0.hwpts[0]!, ioas: 7 }] };
    const on0 = s0.hwpts.map((h, i) => (h.alive && h.ioas === 0 ? i : -1)).filter((i) => i >= 0);
    expect(on0.length).toBeGreaterThan(0);
    expect(hwptsOn(s, 0)).toEqual(on0);
    expect(hwptsOn(s, 7)).toEqual([s.hwpts.length - 1]);
    const mark = (d: State['hwpts'][number]['domain']) => ({ ...d, kho: 99 });
    const after = forEachDomain(s, 0, mark);
    expect(after.map((h) => h.domain.kho === 99)).toEqual(s.hwpts.map((_, i) => on0.includes(i)));
  });
});

/** The domain radix tree and its KHO marks (model/iommufd/kernel/hw_pagetable.ts, kho.ts). */
import { describe, expect, test } from 'vitest';
import { domainMap, domainPreserve, domainUnmap, domainUnpreserve, emptyDomain, leakedMarks, reachablePages } from '../../model/iommufd/kernel/hw_pagetable.js';
import { khoAllocPreserve, writeSlotDomain, writeSlotToken, writtenSlots } from '../../model/iommufd/kernel/kho.js';
import { deepFreeze } from './helpers.js';

describe('domain radix tree', () => {
  const d0 = deepFreeze(emptyDomain(4));
  test('a map allocates its leaf table, an unmap that empties it frees it', () => {
    const d1 = domainMap(d0, 2, 7);
    expect(d1).toMatchObject({ leaves: [-1, -1, 7, -1], tables: 0b10 });
    const d2 = domainMap(d1, 3, 8);
    expect(domainUnmap(d2, 2).tables).toBe(0b10);
    expect(domainUnmap(domainUnmap(d2, 2), 3).tables).toBe(0);
  });
  test('tableFree=covered (generic_pt __unmap_range): a one-slot unmap never covers a table, so an emptied table stays', () => {
    const d2 = domainMap(domainMap(d0, 2, 7), 3, 8);
    const both = domainUnmap(domainUnmap(d2, 2, 'covered'), 3, 'covered');
    expect(both).toMatchObject({ leaves: [-1, -1, -1, -1], tables: 0b10 });
    expect(leakedMarks(domainUnmap(domainPreserve(d2), 2, 'covered'))).toBe(0);
  });
  test('preserve marks the root and every leaf table; unpreserve unmarks what is reachable now', () => {
    const p = domainPreserve(domainMap(d0, 0, 1));
    expect(p).toMatchObject({ kho: 0b11, preservedState: true });
    expect(reachablePages(p)).toBe(0b11);
    const freed = domainUnmap(p, 0);
    expect(leakedMarks(freed)).toBe(0b10);
    expect(domainUnpreserve(freed)).toMatchObject({ kho: 0b10, preservedState: false });
    expect(domainUnpreserve(p)).toMatchObject({ kho: 0, preservedState: false });
  });
});

describe('iommufd blob', () => {
  test('kho_alloc_preserve gives nr zeroed slots; writes past nr are recorded, not stored', () => {
    const b = deepFreeze(khoAllocPreserve(1));
    expect(b.slots).toEqual([{ token: 0, domain: 0 }]);
    const w = writeSlotDomain(writeSlotToken(b, 0, 5), 0, 2);
    expect(w.slots).toEqual([{ token: 5, domain: 3 }]);
    expect(writtenSlots(w)).toBe(1);
    expect(writeSlotToken(b, 1, 5)).toMatchObject({ overflow: true, slots: b.slots });
    expect(writeSlotDomain(b, 1, 0).overflow).toBe(true);
  });
});

/**
 * The iommu_domain of a HWPT_PAGING as generic_pt keeps it: a root table,
 * leaf tables allocated on the first map into their range, and the KHO
 * marks that iommu_domain_preserve puts on every table page.
 *
 * When an unmap frees a leaf table is the switch tableFree. The source:
 * generic_pt's __unmap_range (drivers/iommu/generic_pt/iommu_pt.h, as in
 * torvalds/linux and samikhawaja/linux) frees a lower table only when the
 * unmapped range covers it whole (pt_entry_fully_covered: "If the unmapping
 * range fully covers the table then we can free it as well"); a table left
 * empty by smaller unmaps stays allocated until the domain is freed. iommufd
 * unmaps one area at a time (iopt_area_unmap_domain: iommu_unmap of the
 * area's range). Model areas are one IOVA slot and a table spans TABLE_SPAN
 * slots, so under tableFree=covered an IOAS_UNMAP never frees a table;
 * tableFree=empty (the default) frees a table with its last leaf, which
 * stands for the kernel layout where one area spans the whole table.
 *
 * Mirrors drivers/iommu/iommufd/hw_pagetable.c (mainline) and the v2
 * generic_pt preserve/unpreserve (include/linux/generic_pt/iommu.h).
 * Left out: page sizes, prot bits, IOTLB, HWPT_ALLOC (HWPTs exist in the
 * initial state), auto domains.
 */
import { TABLE_SPAN, type Domain, type HwptPaging, type State } from '../state/types.js';
import { setAt } from '../state/copy.js';
import type { TableFree } from '../scopes/variants.js';

export function tableOf(iova: number): number {
  return Math.floor(iova / TABLE_SPAN);
}

/** Table pages reachable from the root: bit 0 the root, bit 1+t leaf table t. */
export function reachablePages(d: Domain): number {
  return 1 | (d.tables << 1);
}

export function emptyDomain(iovas: number): Domain {
  return { leaves: Array<number>(iovas).fill(-1), tables: 0, kho: 0, preservedState: false, restored: 0 };
}

/** iommu_map of one page: the leaf table is allocated if absent. */
export function domainMap(d: Domain, iova: number, pfn: number): Domain {
  return { ...d, leaves: setAt(d.leaves, iova, pfn), tables: d.tables | (1 << tableOf(iova)) };
}

/**
 * iommu_unmap of one page (one area): under tableFree=empty a leaf table
 * left empty is freed; under covered (generic_pt __unmap_range) only a table
 * the unmapped range covers whole is, which a one-slot area never does.
 */
export function domainUnmap(d: Domain, iova: number, free: TableFree = 'empty'): Domain {
  const leaves = setAt(d.leaves, iova, -1);
  if (free === 'covered' && TABLE_SPAN > 1) return { ...d, leaves };
  const t = tableOf(iova);
  const used = leaves.some((pfn, i) => pfn >= 0 && tableOf(i) === t);
  return { ...d, leaves, tables: used ? d.tables : d.tables & ~(1 << t) };
}

/** generic_pt preserve: KHO-mark every table page reachable from the root, set preserved_state. */
export function domainPreserve(d: Domain): Domain {
  return { ...d, kho: d.kho | reachablePages(d), preservedState: true };
}

/**
 * iommu_domain_unpreserve: walk the tree as it is now and unmark what is
 * reachable. A page freed while preserved is no longer reachable, so its mark
 * stays (leaked).
 */
export function domainUnpreserve(d: Domain): Domain {
  return { ...d, kho: d.kho & ~reachablePages(d), preservedState: false };
}

/** Table pages that carry a KHO mark but are no longer allocated. */
export function leakedMarks(d: Domain): number {
  return d.kho & ~reachablePages(d);
}

export function hwptsOn(s: State, ioas: number): number[] {
  const out: number[] = [];
  s.hwpts.forEach((h, i) => {
    if (h.alive && h.ioas === ioas) out.push(i);
  });
  return out;
}

/** iopt.domains: apply `f` to the domain of every live HWPT on `ioas`. */
export function forEachDomain(s: State, ioas: number, f: (d: Domain) => Domain): readonly HwptPaging[] {
  return s.hwpts.map((h) => (h.alive && h.ioas === ioas ? { ...h, domain: f(h.domain) } : h));
}

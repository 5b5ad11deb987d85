/**
 * The iommu_domain of a HWPT_PAGING as generic_pt keeps it: a root table,
 * leaf tables allocated on the first map into their range and freed when
 * their last leaf is unmapped (whether generic_pt frees empty levels on
 * unmap is unverified, DOMAIN.md 5.6: the model assumes it does), and the
 * KHO marks that iommu_domain_preserve puts on every table page.
 *
 * Mirrors drivers/iommu/iommufd/hw_pagetable.c (mainline) and the v2
 * generic_pt preserve/unpreserve (include/linux/generic_pt/iommu.h).
 * Left out: page sizes, prot bits, IOTLB, HWPT_ALLOC (HWPTs exist in the
 * initial state), auto domains.
 */
import { TABLE_SPAN, type Domain, type HwptPaging, type State } from '../state/types.js';
import { setAt } from '../state/copy.js';

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

/** iommu_unmap of one page: a leaf table left empty is freed. */
export function domainUnmap(d: Domain, iova: number): Domain {
  const leaves = setAt(d.leaves, iova, -1);
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

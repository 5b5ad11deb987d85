/**
 * io_pagetable (iopt): the areas of an IOAS and the domains that mirror them.
 *
 * Mirrors drivers/iommu/iommufd/io_pagetable.c (mainline iopt_map_pages shape:
 * insert the area with pages NULL, fill every domain, then set area.pages)
 * and the v2 liveupdate_immutable. Lock order domains_rwsem -> iova_rwsem.
 * Left out: reserved and allowed ranges, splitting and cutting areas
 * (an area is one page), iova_alignment, access objects.
 */
import { update } from '../state/copy.js';
import type { Ioas, IoptArea, State } from '../state/types.js';

export function areaAt(io: Ioas, iova: number): IoptArea | undefined {
  return io.areas.find((x) => x.iova === iova);
}

export function withIoas(s: State, i: number, f: (io: Ioas) => Ioas): State {
  return { ...s, ioas: update(s.ioas, i, f) };
}

/** iopt_alloc_area + interval_tree_insert: kept sorted by IOVA. */
export function insertArea(io: Ioas, area: IoptArea): Ioas {
  return { ...io, areas: [...io.areas, area].sort((x, y) => x.iova - y.iova) };
}

export function removeArea(io: Ioas, iova: number): Ioas {
  return { ...io, areas: io.areas.filter((x) => x.iova !== iova) };
}

/** area.pages = pages (M4). */
export function completeArea(io: Ioas, iova: number): Ioas {
  return { ...io, areas: io.areas.map((x) => (x.iova === iova ? { ...x, pages: true } : x)) };
}

/** The pfn reader pinned the area's page (pages.c pfn_reader_fill_span): area.pfn = pfn. */
export function pinArea(io: Ioas, iova: number, pfn: number): Ioas {
  return { ...io, areas: io.areas.map((x) => (x.iova === iova ? { ...x, pfn } : x)) };
}

/**
 * iopt_table_remove_domain of the IOAS's last domain: iopt_area_unfill_domain
 * unpins every area's pages (nothing needs them until a domain is filled again).
 */
export function unpinIfNoDomain(s: State, ioas: number): State {
  if (ioas < 0 || s.hwpts.some((h) => h.alive && h.ioas === ioas)) return s;
  return withIoas(s, ioas, (io) => (io.areas.some((x) => x.pfn >= 0) ? { ...io, areas: io.areas.map((x) => ({ ...x, pfn: -1 })) } : io));
}

/** The mappings DMA can see: areas whose pages are set (a NULL-pages area is only a reservation). */
export function mappedAreas(io: Ioas): readonly IoptArea[] {
  return io.areas.filter((x) => x.pages);
}

export function isImmutable(io: Ioas): boolean {
  return io.immutable > 0;
}

/**
 * iopt_pages of a FILE mapping and the memfd folios behind it: the seals
 * cached at map time, the pfn iommufd pins, and the folio pool a memfd
 * allocates from.
 *
 * Mirrors drivers/iommu/iommufd/pages.c of the v2 series: iopt_alloc_file_pages
 * copies memfd_get_seals(file) into pages->seals once, at map time (seed 003),
 * and the pfn reader pins the file's folios with memfd_pin_folios when a
 * domain is filled (which, like shmem_get_folio, allocates a folio for a hole
 * and fails -EINVAL past EOF). mm/shmem.c: a folio leaves the page cache on
 * truncation or hole punching even while it is pinned; it is freed when the
 * last pin goes.
 *
 * Each memfd m owns a pool of PAGES_PER_MEMFD folios; folio f is the page
 * at pfn pfnOf(m, f). A new folio is the lowest of the pool that nothing
 * holds (page cache, an iommufd pin, a domain leaf, a KHO mark), so a freed
 * page can come back, as the page allocator would hand it out.
 * Left out: npinned accounting (an area pins one page; the pin is the area's
 * pfn), USER and DMABUF pages.
 */
import type { Ctx } from '../entry-point.js';
import { setAt, update } from '../state/copy.js';
import { F_SEAL_GROW, F_SEAL_SHRINK, PAGES_PER_MEMFD, REQUIRED_SEALS, type IoptArea, type Memfd, type State } from '../state/types.js';

export { PAGES_PER_MEMFD };

export function pfnOf(memfd: number, folio: number): number {
  return memfd * PAGES_PER_MEMFD + folio;
}

export function memfdOfPfn(pfn: number): number {
  return Math.floor(pfn / PAGES_PER_MEMFD);
}

export function folioOfPfn(pfn: number): number {
  return pfn % PAGES_PER_MEMFD;
}

/** The folio at page index `page` of the memfd (-1: a hole, or past EOF). */
export function folioAt(m: Memfd, page: number): number {
  return page < m.size ? (m.cache[page] ?? -1) : -1;
}

/** The seals check_iopt_pages_preserved reads for an area: the cached copy, or memfd_get_seals() now. */
export function sealsSeen(ctx: Ctx, s: State, area: IoptArea): number {
  return ctx.sw.seals === 'cached' ? area.seals : s.memfds[area.memfd]!.seals;
}

export function hasRequiredSeals(seals: number): boolean {
  return (seals & REQUIRED_SEALS) === REQUIRED_SEALS;
}

/** seals=both: what iopt_alloc_file_pages requires at map time, so that no pinned folio can leave the file. */
export const MAP_SEALS = F_SEAL_GROW | F_SEAL_SHRINK;

/** Folios of memfd m that something holds: in its page cache, KHO-marked, pinned by an area or mapped by a domain leaf. */
function heldFolios(s: State, m: number): number {
  const x = s.memfds[m]!;
  let held = x.kho;
  for (const f of x.cache) if (f >= 0) held |= 1 << f;
  const lo = pfnOf(m, 0);
  const hi = lo + PAGES_PER_MEMFD;
  const hold = (pfn: number) => {
    if (pfn >= lo && pfn < hi) held |= 1 << (pfn - lo);
  };
  for (const io of s.ioas) for (const a of io.areas) hold(a.pfn);
  for (const h of s.hwpts) for (const pfn of h.domain.leaves) hold(pfn);
  return held;
}

/**
 * shmem_get_folio for page `page` of memfd m: the folio in the page cache,
 * or a new one for a hole inside i_size. Returns the new state and the pfn,
 * or pfn -1 past EOF (-EINVAL) or with the pool exhausted (-ENOMEM).
 */
export function getFolio(s: State, m: number, page: number): readonly [State, number] {
  const x = s.memfds[m]!;
  if (page >= x.size || page >= x.cache.length) return [s, -1];
  const f = x.cache[page]!;
  if (f >= 0) return [s, pfnOf(m, f)];
  const held = heldFolios(s, m);
  let free = 0;
  while (free < PAGES_PER_MEMFD && held & (1 << free)) free++;
  if (free === PAGES_PER_MEMFD) return [s, -1];
  return [{ ...s, memfds: update(s.memfds, m, (y) => ({ ...y, cache: setAt(y.cache, page, free) })) }, pfnOf(m, free)];
}

/** Whether the folio at pfn is in its memfd's page cache at page index `page`. */
export function inPageCache(s: State, pfn: number, page: number): boolean {
  const m = memfdOfPfn(pfn);
  return folioAt(s.memfds[m]!, page) === folioOfPfn(pfn);
}

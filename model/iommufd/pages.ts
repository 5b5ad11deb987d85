/**
 * iopt_pages of a FILE mapping: the file and the seals cached from it.
 *
 * Mirrors drivers/iommu/iommufd/pages.c of the v2 series: iopt_alloc_file_pages
 * copies memfd_get_seals(file) into pages->seals once, at map time (seed 003).
 * Left out: pinning and npinned accounting (the pinned pfn is the leaf the
 * domain maps), USER and DMABUF pages.
 */
import type { Ctx } from './ctx.js';
import { REQUIRED_SEALS, type IoptArea, type State } from './types.js';

export const PAGES_PER_MEMFD = 8;

export function pfnOf(memfd: number, page: number): number {
  return memfd * PAGES_PER_MEMFD + page;
}

export function memfdOfPfn(pfn: number): number {
  return Math.floor(pfn / PAGES_PER_MEMFD);
}

/** The seals check_iopt_pages_preserved reads for an area: the cached copy, or memfd_get_seals() now. */
export function sealsSeen(ctx: Ctx, s: State, area: IoptArea): number {
  return ctx.sw.seals === 'cached' ? area.seals : s.memfds[area.memfd]!.seals;
}

export function hasRequiredSeals(seals: number): boolean {
  return (seals & REQUIRED_SEALS) === REQUIRED_SEALS;
}

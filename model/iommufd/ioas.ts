/**
 * IOMMU_IOAS_MAP_FILE and IOMMU_IOAS_UNMAP, one action per critical section.
 *
 * Mirrors drivers/iommu/iommufd/ioas.c (iommufd_ioas_map_file,
 * iommufd_ioas_unmap) over io_pagetable.c, with the v1/v2 immutability test
 * at either placement (switch immutableCheck, DOMAIN.md 3.1 and 5.7).
 * Left out: IOAS_MAP (user memory), IOAS_COPY, partial unmap, the unpin.
 */
import type { Ctx } from './ctx.js';
import { domainMap, domainUnmap, forEachDomain } from './hw_pagetable.js';
import { areaAt, completeArea, insertArea, isImmutable, removeArea, withIoas } from './io_pagetable.js';
import { pfnOf } from './pages.js';
import { begin, goTo, ret } from './process.js';
import type { Action, State } from './types.js';

type MapFile = Extract<Action, { type: 'iommufd_ioas_map_file' }>;
type Unmap = Extract<Action, { type: 'iommufd_ioas_unmap' }>;

/** M1 iopt_alloc_file_pages: get_file, and (v2) pages->seals = memfd_get_seals(file). No iopt lock. */
function m1(s: State, a: MapFile): State {
  return begin(s, a.pid, a.idx, 'M2', { seals: s.memfds[a.op.memfd]!.seals });
}

/** M2 under iova_rwsem write: (v1) -EBUSY if immutable; -EEXIST if the IOVA is used; insert the area with pages NULL. */
function m2(ctx: Ctx, s: State, a: MapFile): State {
  const io = s.ioas[a.op.ioas]!;
  if (ctx.sw.immutableCheck === 'area-insert' && isImmutable(io)) return ret(s, a.pid, a.idx);
  if (areaAt(io, a.op.iova)) return ret(s, a.pid, a.idx);
  const seals = s.threads[a.pid]!.seals;
  const area = { iova: a.op.iova, memfd: a.op.memfd, page: a.op.page, seals, pages: false };
  return goTo(withIoas(s, a.op.ioas, (x) => insertArea(x, area)), a.pid, 'M3');
}

/**
 * M3 takes domains_rwsem read (held until M4) and fills every domain in
 * iopt.domains; with immutableCheck=fill-domains it first tests the flag and
 * on -EBUSY aborts the area (iova_rwsem write, merged into this step).
 */
function m3(ctx: Ctx, s: State, a: MapFile): State {
  if (ctx.sw.immutableCheck === 'fill-domains' && isImmutable(s.ioas[a.op.ioas]!)) {
    return ret(withIoas(s, a.op.ioas, (x) => removeArea(x, a.op.iova)), a.pid, a.idx);
  }
  const pfn = pfnOf(a.op.memfd, a.op.page);
  const hwpts = forEachDomain(s, a.op.ioas, (d) => domainMap(d, a.op.iova, pfn));
  return goTo({ ...s, hwpts }, a.pid, 'M4');
}

/** M4 under iova_rwsem write (inside domains_rwsem read): area.pages = pages; release both. */
function m4(s: State, a: MapFile): State {
  return ret(withIoas(s, a.op.ioas, (x) => completeArea(x, a.op.iova)), a.pid, a.idx);
}

export function iommufdIoasMapFile(ctx: Ctx, s: State, a: MapFile): State {
  switch (a.step) {
    case 'M1':
      return m1(s, a);
    case 'M2':
      return m2(ctx, s, a);
    case 'M3':
      return m3(ctx, s, a);
    case 'M4':
      return m4(s, a);
  }
}

/**
 * U1 iopt_unmap_iova_range under domains_rwsem read + iova_rwsem write:
 * -EBUSY if immutable or the area's map is in flight (pages NULL), -ENOENT if
 * absent; else remove the area and unmap it from every domain (an emptied
 * leaf table is freed).
 */
export function iommufdIoasUnmap(s: State, a: Unmap): State {
  const io = s.ioas[a.op.ioas]!;
  const area = areaAt(io, a.op.iova);
  if (isImmutable(io) || !area || !area.pages) return ret(s, a.pid, a.idx);
  const hwpts = forEachDomain(s, a.op.ioas, (d) => domainUnmap(d, a.op.iova));
  return ret(withIoas({ ...s, hwpts }, a.op.ioas, (x) => removeArea(x, a.op.iova)), a.pid, a.idx);
}

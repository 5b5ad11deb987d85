/**
 * IOMMU_IOAS_MAP_FILE and IOMMU_IOAS_UNMAP, one action per critical section.
 *
 * Mirrors drivers/iommu/iommufd/ioas.c (iommufd_ioas_map_file,
 * iommufd_ioas_unmap) over io_pagetable.c, with the v1/v2 immutability test
 * at either placement (switch immutableCheck; known case 5.7). Read
 * in the source: v2 as posted (samikhawaja/linux commit 40fa88e3a40a,
 * drivers/iommu/iommufd/io_pagetable.c, iopt_map_pages) tests
 * iopt_liveupdate_immutable() right after down_read(&iopt->domains_rwsem),
 * before iopt_fill_domains_pages: immutableCheck=fill-domains, M3 here. On
 * -EBUSY iopt_map_common aborts the area (iova_rwsem write) after
 * domains_rwsem is dropped; the model merges that abort into M3, which
 * loses no state a check can see (the area with pages NULL is already
 * visible between M2 and M3). v1 (11/14, Samiullah Khawaja, 3 Feb 2026,
 * <20260203220948.2176157-12-skhawaja@google.com>) tested it in
 * iopt_alloc_area_pages under iova_rwsem: area-insert, M2 here. Also
 * modelled: with seals=both, the map-time seal requirement. The folio is pinned when
 * the first domain is filled (M3; with no domain on the IOAS, at
 * HWPT_ALLOC); unmap drops the pin with the area.
 * Left out: IOAS_MAP (user memory), IOAS_COPY, partial unmap.
 */
import type { Ctx } from '../entry-point.js';
import { domainMap, domainUnmap, forEachDomain, hwptsOn } from './hw_pagetable.js';
import { areaAt, completeArea, insertArea, isImmutable, pinArea, removeArea, withIoas } from './io_pagetable.js';
import { getFolio, MAP_SEALS } from './pages.js';
import { begin, goTo, ret } from '../state/process.js';
import type { Action, State } from '../state/types.js';

type MapFile = Extract<Action, { type: 'iommufd_ioas_map_file' }>;
type Unmap = Extract<Action, { type: 'iommufd_ioas_unmap' }>;

/**
 * M1 iopt_alloc_file_pages: get_file, and (v2) pages->seals =
 * memfd_get_seals(file); with seals=both, -EINVAL unless the memfd is sealed
 * GROW|SHRINK. No iopt lock.
 */
function m1(ctx: Ctx, s: State, a: MapFile): State {
  const seals = s.memfds[a.op.memfd]!.seals;
  if (ctx.sw.seals === 'both' && (seals & MAP_SEALS) !== MAP_SEALS) return ret(s, a.pid, a.idx);
  return begin(s, a.pid, a.idx, 'M2', { seals });
}

/** M2 under iova_rwsem write: (v1) -EBUSY if immutable; -EEXIST if the IOVA is used; insert the area with pages NULL. */
function m2(ctx: Ctx, s: State, a: MapFile): State {
  const io = s.ioas[a.op.ioas]!;
  if (ctx.sw.immutableCheck === 'area-insert' && isImmutable(io)) return ret(s, a.pid, a.idx);
  if (areaAt(io, a.op.iova)) return ret(s, a.pid, a.idx);
  const seals = s.threads[a.pid]!.seals;
  const area = { iova: a.op.iova, memfd: a.op.memfd, page: a.op.page, seals, pages: false, pfn: -1 };
  return goTo(withIoas(s, a.op.ioas, (x) => insertArea(x, area)), a.pid, 'M3');
}

/**
 * M3 takes domains_rwsem read (held until M4) and fills every domain in
 * iopt.domains; with immutableCheck=fill-domains it first tests the flag and
 * on -EBUSY aborts the area (iova_rwsem write, merged into this step). With
 * a domain to fill, the pfn reader pins the page (memfd_pin_folios: a hole
 * gets a new folio, past EOF the map fails -EINVAL and the area is aborted).
 */
function m3(ctx: Ctx, s: State, a: MapFile): State {
  const abort = () => ret(withIoas(s, a.op.ioas, (x) => removeArea(x, a.op.iova)), a.pid, a.idx);
  if (ctx.sw.immutableCheck === 'fill-domains' && isImmutable(s.ioas[a.op.ioas]!)) return abort();
  if (hwptsOn(s, a.op.ioas).length === 0) return goTo(s, a.pid, 'M4');
  const [n, pfn] = getFolio(s, a.op.memfd, a.op.page);
  if (pfn < 0) return abort();
  const hwpts = forEachDomain(n, a.op.ioas, (d) => domainMap(d, a.op.iova, pfn));
  return goTo(withIoas({ ...n, hwpts }, a.op.ioas, (x) => pinArea(x, a.op.iova, pfn)), a.pid, 'M4');
}

/** M4 under iova_rwsem write (inside domains_rwsem read): area.pages = pages; release both. */
function m4(s: State, a: MapFile): State {
  return ret(withIoas(s, a.op.ioas, (x) => completeArea(x, a.op.iova)), a.pid, a.idx);
}

export function iommufdIoasMapFile(ctx: Ctx, s: State, a: MapFile): State {
  switch (a.step) {
    case 'M1':
      return m1(ctx, s, a);
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
 * absent; else remove the area and unmap it from every domain (whether an
 * emptied leaf table is freed: switch tableFree, hw_pagetable.ts). The
 * immutability test is where v2 has it (samikhawaja/linux 40fa88e3a40a,
 * iopt_unmap_iova_range: iopt_liveupdate_immutable() right after taking
 * domains_rwsem read and iova_rwsem write, before the area loop).
 */
export function iommufdIoasUnmap(ctx: Ctx, s: State, a: Unmap): State {
  const io = s.ioas[a.op.ioas]!;
  const area = areaAt(io, a.op.iova);
  if (isImmutable(io) || !area || !area.pages) return ret(s, a.pid, a.idx);
  const hwpts = forEachDomain(s, a.op.ioas, (d) => domainUnmap(d, a.op.iova, ctx.sw.tableFree));
  return ret(withIoas({ ...s, hwpts }, a.op.ioas, (x) => removeArea(x, a.op.iova)), a.pid, a.idx);
}

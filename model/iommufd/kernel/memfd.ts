/**
 * memfd: add-only seals, size changes and hole punching, and the LUO memfd
 * handler.
 *
 * Mirrors mm/memfd.c (memfd_add_seals: F_ADD_SEALS only adds, F_SEAL_SEAL
 * stops further adds with -EPERM, man7 F_ADD_SEALS(2const)), mm/shmem.c
 * (shmem_setattr for ftruncate: -EPERM when F_SEAL_SHRINK forbids a shrink,
 * F_SEAL_GROW a growth, or SHMEM_F_MAPPING_FROZEN any size change; a shrink
 * drops the folios past the new EOF from the page cache, pinned or not; a
 * growth adds holes. shmem_fallocate: allocating a page fills a hole and may
 * extend i_size (-EPERM under F_SEAL_GROW or frozen); FALLOC_FL_PUNCH_HOLE
 * drops the folio, -EPERM under F_SEAL_WRITE or frozen) and mm/memfd_luo.c
 * (preserve: under the inode lock set SHMEM_F_MAPPING_FROZEN, then
 * memfd_pin_folios over [0, i_size), which allocates a folio for every hole,
 * and kho_preserve_folio on each; unpreserve undoes both).
 * Left out: F_SEAL_FUTURE_WRITE (it blocks hole punching exactly as
 * F_SEAL_WRITE does here), page contents and the file position, and
 * sub-page sizes (sizes and offsets are whole pages).
 */
import { setAt, update } from '../state/copy.js';
import { luoAdmit, luoAppend } from './luo.js';
import { getFolio } from './pages.js';
import { ret } from '../state/process.js';
import { F_SEAL_GROW, F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_WRITE, type Action, type Memfd, type State } from '../state/types.js';

type AddSeals = Extract<Action, { type: 'memfd_add_seals' }>;
type Setattr = Extract<Action, { type: 'shmem_setattr' }>;
type Fallocate = Extract<Action, { type: 'shmem_fallocate' }>;
type MemfdPreserve = Extract<Action, { type: 'memfd_luo_preserve' }>;

function withMemfd(s: State, m: number, f: (x: Memfd) => Memfd): State {
  return { ...s, memfds: update(s.memfds, m, f) };
}

/** fcntl(F_ADD_SEALS): -EPERM once SEAL is set; else seals |= new. */
export function memfdAddSeals(s: State, a: AddSeals): State {
  const m = s.memfds[a.op.memfd]!;
  if (m.seals & F_SEAL_SEAL) return ret(s, a.pid, a.idx);
  return ret(withMemfd(s, a.op.memfd, (x) => ({ ...x, seals: x.seals | a.op.seals })), a.pid, a.idx);
}

/** Whether changing the memfd's size to `to` pages is refused (-EPERM) by the seals or the frozen mapping. */
function sizeChangeRefused(m: Memfd, to: number): boolean {
  if (to === m.size) return false;
  if (m.frozen) return true;
  return to < m.size ? (m.seals & F_SEAL_SHRINK) !== 0 : (m.seals & F_SEAL_GROW) !== 0;
}

/**
 * ftruncate(memfd, size): shmem_setattr under the inode lock. A shrink
 * removes every folio at or past the new EOF from the page cache (a folio
 * iommufd pinned stays pinned and mapped, no longer the file's); a growth
 * leaves holes.
 */
export function shmemSetattr(s: State, a: Setattr): State {
  const m = s.memfds[a.op.memfd]!;
  const size = a.op.size;
  if (sizeChangeRefused(m, size)) return ret(s, a.pid, a.idx);
  return ret(withMemfd(s, a.op.memfd, (x) => ({ ...x, size, cache: x.cache.map((f, i) => (i < size ? f : -1)) })), a.pid, a.idx);
}

/**
 * fallocate(memfd, page): shmem_fallocate under the inode lock. Mode 0
 * allocates the page (a new folio for a hole; past EOF it extends i_size);
 * PUNCH_HOLE|KEEP_SIZE removes the folio from the page cache.
 */
export function shmemFallocate(s: State, a: Fallocate): State {
  const m = s.memfds[a.op.memfd]!;
  const page = a.op.page;
  if (a.op.punch) {
    if (m.frozen || m.seals & F_SEAL_WRITE) return ret(s, a.pid, a.idx);
    if ((m.cache[page] ?? -1) < 0) return ret(s, a.pid, a.idx); // a hole already: nothing to drop
    return ret(withMemfd(s, a.op.memfd, (x) => ({ ...x, cache: setAt(x.cache, page, -1) })), a.pid, a.idx);
  }
  const size = Math.max(m.size, page + 1);
  if (sizeChangeRefused(m, size) || page >= m.cache.length) return ret(s, a.pid, a.idx);
  const [n, pfn] = getFolio(withMemfd(s, a.op.memfd, (x) => ({ ...x, size })), a.op.memfd, page);
  return ret(pfn < 0 ? s : n, a.pid, a.idx); // -ENOSPC when the pool is exhausted
}

/**
 * memfd_luo_preserve: freeze the mapping, pin every page in [0, i_size)
 * (filling holes with new folios) and KHO-mark each folio. On -ENOMEM
 * nothing changes.
 */
function memfdLuoPreserveFolios(s: State, m: number): State | undefined {
  let n = withMemfd(s, m, (x) => ({ ...x, frozen: true }));
  let kho = 0;
  for (let page = 0; page < n.memfds[m]!.size; page++) {
    const [next, pfn] = getFolio(n, m, page);
    if (pfn < 0) return undefined;
    n = next;
    kho |= 1 << n.memfds[m]!.cache[page]!;
  }
  return withMemfd(n, m, (x) => ({ ...x, preserved: true, kho }));
}

/** PRESERVE_FD of a memfd: LUO's checks, then memfd_luo_preserve in one step. */
export function memfdLuoPreserve(s: State, a: MemfdPreserve): State {
  if (a.op.file.kind !== 'memfd') return ret(s, a.pid, a.idx);
  const m = a.op.file.memfd;
  if (luoAdmit(s, m, a.op.token) !== 0) return ret(s, a.pid, a.idx);
  const n = memfdLuoPreserveFolios(s, m);
  return ret(n ? luoAppend(n, m, a.op.token) : s, a.pid, a.idx);
}

/** memfd_luo unpreserve: unpin, drop the KHO marks, unfreeze the mapping. */
export function memfdLuoUnpreserve(s: State, m: number): State {
  return withMemfd(s, m, (x) => ({ ...x, frozen: false, preserved: false, kho: 0 }));
}

/** The initial page cache of a memfd of `pages` pages (folio i at index i) in a cache of `len` slots. */
export function initialCache(pages: number, len: number): number[] {
  return Array.from({ length: len }, (_, i) => (i < pages ? i : -1));
}

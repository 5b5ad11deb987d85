/**
 * memfd: add-only seals and the LUO memfd handler.
 *
 * Mirrors mm/memfd.c (memfd_add_seals: F_ADD_SEALS only adds, F_SEAL_SEAL
 * stops further adds with -EPERM, man7 F_ADD_SEALS(2const)) and
 * mm/memfd_luo.c (preserve: under the inode lock set
 * SHMEM_F_MAPPING_FROZEN, pin and KHO-mark every folio). Left out: size,
 * ftruncate/fallocate (they fail while frozen or GROW/SHRINK-sealed), WRITE
 * seal semantics, folio contents and position.
 */
import { update } from './copy.js';
import { luoAdmit, luoAppend } from './luo.js';
import { ret } from './process.js';
import { F_SEAL_SEAL, type Action, type Memfd, type State } from './types.js';

type AddSeals = Extract<Action, { type: 'memfd_add_seals' }>;
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

/** PRESERVE_FD of a memfd: LUO's checks, then memfd_luo_preserve in one step. */
export function memfdLuoPreserve(s: State, a: MemfdPreserve): State {
  if (a.op.file.kind !== 'memfd') return ret(s, a.pid, a.idx);
  const m = a.op.file.memfd;
  if (luoAdmit(s, m, a.op.token) !== 0) return ret(s, a.pid, a.idx);
  const n = withMemfd(s, m, (x) => ({ ...x, frozen: true, preserved: true }));
  return ret(luoAppend(n, m, a.op.token), a.pid, a.idx);
}

/** memfd_luo unpreserve: unpin, drop the KHO marks, unfreeze the mapping. */
export function memfdLuoUnpreserve(s: State, m: number): State {
  return withMemfd(s, m, (x) => ({ ...x, frozen: false, preserved: false }));
}

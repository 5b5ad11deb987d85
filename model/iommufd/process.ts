/**
 * VMM threads as PlusCal processes: each has a menu of ioctls it may issue
 * (each at most once, in any order), the menu index of the one in progress,
 * and a program counter naming the lock point it stands at. A kernel lock
 * held across several steps (lu_mutex, the LUO session mutex, domains_rwsem
 * read across MAP_FILE M3..M4) is read off the program counters, so a thread
 * that would block simply has no enabled step.
 */
import type { Ctx } from './ctx.js';
import { update } from './copy.js';
import type { IommufdScope } from './scopes.js';
import type { Op, Pc, State, VmmThread } from './types.js';

export const IDLE: VmmThread = { done: 0, op: -1, pc: 'idle', nr: 0, slot: -1, cur: -1, made: false, held: 0, seals: 0, rc: 0 };

interface Menus {
  /** Per thread: the old kernel's menu, then the new kernel's (scope.restore). */
  readonly ops: readonly (readonly Op[])[];
  /** Per thread: the index of its first new-kernel op. */
  readonly split: readonly number[];
}

const MENUS = new WeakMap<IommufdScope, Menus>();

/** The menus of a scope's VMM threads across both kernels (cached per scope). */
export function menus(scope: IommufdScope): Menus {
  let m = MENUS.get(scope);
  if (!m) {
    const n = Math.max(scope.threads.length, scope.restore.length);
    const ops = Array.from({ length: n }, (_, i) => [...(scope.threads[i] ?? []), ...(scope.restore[i] ?? [])]);
    m = { ops, split: Array.from({ length: n }, (_, i) => scope.threads[i]?.length ?? 0) };
    MENUS.set(scope, m);
  }
  return m;
}

/** The menu entry thread `pid` is executing. */
export function opOf(ctx: Ctx, pid: number, t: VmmThread): Op | undefined {
  return t.op < 0 ? undefined : menus(ctx.scope).ops[pid]![t.op];
}

export function withThread(s: State, pid: number, f: (t: VmmThread) => VmmThread): State {
  return { ...s, threads: update(s.threads, pid, f) };
}

/** Starts menu op `idx` and moves to `pc`. */
export function begin(s: State, pid: number, idx: number, pc: Pc, locals: Partial<VmmThread> = {}): State {
  return withThread(s, pid, (t) => ({ ...IDLE, done: t.done, op: idx, pc, ...locals }));
}

/** Moves the thread to `pc` with some locals changed. */
export function goTo(s: State, pid: number, pc: Pc, locals: Partial<VmmThread> = {}): State {
  return withThread(s, pid, (t) => ({ ...t, pc, ...locals }));
}

/** The op in progress (or op `idx` when the step both starts and ends it) returns. */
export function ret(s: State, pid: number, idx: number): State {
  return withThread(s, pid, (t) => ({ ...IDLE, done: t.done | (1 << idx) }));
}

const LU_MUTEX_PCS: readonly Pc[] = ['P1', 'P2', 'P3a', 'P3c_imm', 'P3c_check', 'P3c_domain', 'P3c_err', 'P3e', 'UNPRESERVE', 'OOPS'];
const SESSION_PCS: readonly Pc[] = [...LU_MUTEX_PCS, 'CLOSE'];
/** Between P3a (iommufd_lock_obj) and P3e the HWPT in hand carries the preserve's reference. */
const LOCK_REF_PCS: readonly Pc[] = ['P3c_imm', 'P3c_check', 'P3c_domain', 'P3c_err', 'P3e'];

/** ictx.liveupdate_mutex is held (an oopsed thread never releases it). */
export function luMutexHeld(s: State): boolean {
  return s.threads.some((t) => LU_MUTEX_PCS.includes(t.pc));
}

/** The LUO session mutex is held: a PRESERVE_FD or a close is in progress. */
export function sessionBusy(s: State): boolean {
  return s.threads.some((t) => SESSION_PCS.includes(t.pc));
}

/** A MAP_FILE between M3 and M4 holds domains_rwsem for read on `ioas`. */
export function domainsReadHeld(ctx: Ctx, s: State, ioas: number): boolean {
  return s.threads.some((t, pid) => {
    if (t.pc !== 'M4') return false;
    const op = opOf(ctx, pid, t);
    return op !== undefined && op.op === 'map_file' && op.ioas === ioas;
  });
}

/** iommufd_lock_obj references on HWPT `h` held by preserve threads (in hand, or locked at P1 with hwptCount=stable). */
export function inFlightRefs(s: State, h: number): number {
  let n = 0;
  for (const t of s.threads) {
    if (LOCK_REF_PCS.includes(t.pc) && t.cur === h) n++;
    if (t.held & (1 << h)) n++;
  }
  return n;
}

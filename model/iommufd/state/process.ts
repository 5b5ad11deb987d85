/**
 * VMM threads as PlusCal processes: each has a menu of ioctls it may issue
 * (each at most once, in any order), the menu index of the one in progress,
 * and a program counter naming the lock point it stands at. A kernel lock
 * held across several steps (lu_mutex, the LUO session mutex, domains_rwsem
 * read across MAP_FILE M3..M4) is read off the program counters, so a thread
 * that would block simply has no enabled step.
 */
import type { Ctx } from '../entry-point.js';
import { carryExt, hasExtFields, update } from './copy.js';
import { markShaped } from './shape.js';
import type { IommufdScope } from '../scopes/scopes.js';
import { UsageError } from '../../../explorer/errors.js';
import { PCS, type Op, type Pc, type State, type VmmThread } from './types.js';

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

// Every step of a VMM thread goes through these. They build the state and
// the thread with the fields written out, not with spreads: a spread's
// result has a hidden class per call site, so here, where the states of
// every step meet, the spreads' sources come in dozens of classes and V8
// takes its slow path (state/shape.ts).

export function withThread(s: State, pid: number, f: (t: VmmThread) => VmmThread): State {
  return withThreads(s, update(s.threads, pid, f));
}

/** `s` with thread `pid` replaced by `t`. */
function setThread(s: State, pid: number, t: VmmThread): State {
  const threads = s.threads.slice();
  threads[pid] = t;
  return withThreads(s, threads);
}

/**
 * `s` with the threads `threads`. The state is built in the declared shape
 * (the order of state-schema.ts), so unless an extension added fields to
 * the state, settling takes it as it is (markShaped).
 */
function withThreads(s: State, threads: readonly VmmThread[]): State {
  const n: State = {
    phase: s.phase, frozen: s.frozen, boot: s.boot, probed: s.probed, oops: s.oops,
    memfds: s.memfds, ioas: s.ioas, hwpts: s.hwpts, devices: s.devices, groups: s.groups, ctx: s.ctx,
    session: s.session, blob: s.blob, nk: s.nk, threads,
  };
  if (hasExtFields('state')) return carryExt(n, s, 'state');
  markShaped(0, n);
  return n;
}

/** Thread `t` at `pc`, its op `op` and ops done `done`, with `l`'s locals (an extension's fields of `t` stay). */
function thread(t: VmmThread, pc: Pc, l: Partial<VmmThread>, done = t.done, op = t.op): VmmThread {
  const n: VmmThread = {
    done: l.done ?? done, op: l.op ?? op, pc, nr: l.nr ?? t.nr, slot: l.slot ?? t.slot, cur: l.cur ?? t.cur,
    made: l.made ?? t.made, held: l.held ?? t.held, seals: l.seals ?? t.seals, rc: l.rc ?? t.rc,
  };
  if (hasExtFields('threads')) return carryExt(n, t, 'threads');
  markShaped(1, n);
  return n;
}

const NONE: Partial<VmmThread> = {};

// begin, goTo and ret pass the new thread, not a function making it: an
// arrow that reads their arguments would cost a context and a closure on
// every step of every VMM thread.

/** Starts menu op `idx` and moves to `pc` (the locals start at IDLE's). */
export function begin(s: State, pid: number, idx: number, pc: Pc, locals: Partial<VmmThread> = NONE): State {
  return setThread(s, pid, thread(IDLE, pc, locals, s.threads[pid]!.done, idx));
}

/** Moves the thread to `pc` with some locals changed. */
export function goTo(s: State, pid: number, pc: Pc, locals: Partial<VmmThread> = NONE): State {
  return setThread(s, pid, thread(s.threads[pid]!, pc, locals));
}

/** The op in progress (or op `idx` when the step both starts and ends it) returns: the thread is idle, its locals at IDLE's. */
export function ret(s: State, pid: number, idx: number): State {
  return setThread(s, pid, thread(IDLE, 'idle', NONE, s.threads[pid]!.done | (1 << idx)));
}


/**
 * Per kernel lock, the program counters at which a thread holds it, as the
 * entry points declare them (EntryPoint.pcs): the model's (entry/registry.ts
 * registers them when it loads: "lu_mutex" ictx.liveupdate_mutex,
 * "session" the LUO session mutex, "domains_rwsem" read across MAP_FILE
 * M3..M4, "lock_obj" the iommufd_lock_obj reference on the HWPT in hand),
 * then those of --load extensions (registerPcLocks), which may hold the
 * model's locks or their own.
 */
const LOCK_PCS = new Map<string, Set<string>>();
/** Every program counter: the model's, then the extensions' in the order they were registered (encode.ts numbers them so). */
export const ALL_PCS: string[] = [...PCS];

function lockSet(lock: string): Set<string> {
  let set = LOCK_PCS.get(lock);
  if (!set) LOCK_PCS.set(lock, (set = new Set()));
  return set;
}

/** A lock's program counters before the registry declared them: asking is a bug (import entry/registry.js first). */
class Unregistered extends Set<string> {
  override has(): boolean {
    throw new Error('the kernel entry points are not registered: import model/iommufd/entry/registry.js before asking which locks are held');
  }
}

let LU_MUTEX: ReadonlySet<string> = new Unregistered();
let SESSION: ReadonlySet<string> = new Unregistered();
let DOMAINS_READ: ReadonlySet<string> = new Unregistered();
let LOCK_REF: ReadonlySet<string> = new Unregistered();

/**
 * Registers the model's program counters with the locks held at each (once,
 * by entry/registry.ts). A program counter types.ts' PCS does not list (an
 * entry point added to the tree with pcs of its own) is numbered after
 * PCS, as an extension's is.
 */
export function registerCorePcs(pcs: readonly (readonly [string, readonly string[]])[]): void {
  for (const [pc, locks] of pcs) {
    if (!ALL_PCS.includes(pc)) ALL_PCS.push(pc);
    for (const l of locks) lockSet(l).add(pc);
  }
  LU_MUTEX = lockSet('lu_mutex');
  SESSION = lockSet('session');
  DOMAINS_READ = lockSet('domains_rwsem');
  LOCK_REF = lockSet('lock_obj');
}

const EXT_PC_LOCKS = new Map<string, string>();

/** Whether `pc` is a program counter of the model or of a registered extension. */
export function isPc(pc: string): boolean {
  return ALL_PCS.includes(pc);
}

/**
 * Registers an extension's program counter and the locks a thread holds
 * there. The same registration again (a model built twice, a worker) is a
 * no-op; a clash with another is a UsageError naming `where`.
 */
export function registerPcLocks(pc: string, locks: readonly string[], where: string): void {
  const key = [...locks].sort().join(',');
  const had = EXT_PC_LOCKS.get(pc);
  if (had === key) return;
  if (had !== undefined || ALL_PCS.includes(pc)) throw new UsageError(`${where}: program counter ${JSON.stringify(pc)} is already in use; name it otherwise`);
  if (ALL_PCS.length >= 255) throw new UsageError(`${where}: too many program counters (at most 255)`);
  EXT_PC_LOCKS.set(pc, key);
  ALL_PCS.push(pc);
  for (const l of locks) lockSet(l).add(pc);
}

/** Whether a thread other than `pid` holds `lock` (pid -1: any thread). */
export function lockHeldByOther(s: State, lock: string, pid: number): boolean {
  const set = LOCK_PCS.get(lock);
  if (!set) return false;
  return s.threads.some((t, i) => i !== pid && set.has(t.pc));
}

/** ictx.liveupdate_mutex is held (an oopsed thread never releases it). */
export function luMutexHeld(s: State): boolean {
  return s.threads.some((t) => LU_MUTEX.has(t.pc));
}

/** The LUO session mutex is held: a PRESERVE_FD or a close is in progress. */
export function sessionBusy(s: State): boolean {
  return s.threads.some((t) => SESSION.has(t.pc));
}

/** A MAP_FILE between M3 and M4 holds domains_rwsem for read on `ioas`. */
export function domainsReadHeld(ctx: Ctx, s: State, ioas: number): boolean {
  return s.threads.some((t, pid) => {
    if (!DOMAINS_READ.has(t.pc)) return false;
    const op = opOf(ctx, pid, t);
    return op !== undefined && op.op === 'map_file' && op.ioas === ioas;
  });
}

/** iommufd_lock_obj references on HWPT `h` held by preserve threads (in hand, or locked at P1 with hwptCount=stable). */
export function inFlightRefs(s: State, h: number): number {
  let n = 0;
  for (const t of s.threads) {
    if (LOCK_REF.has(t.pc) && t.cur === h) n++;
    if (t.held & (1 << h)) n++;
  }
  return n;
}

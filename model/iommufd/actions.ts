/**
 * The enabled actions of a state (the guards of Next): for every VMM thread
 * in order, the first step of every menu op it has not issued yet (when
 * idle) or the next step of the op in progress; a step whose lock is held
 * elsewhere is not enabled. An injected failure doubles a fallible step:
 * success first, then failure. The order is fixed, as replay requires.
 */
import type { Ctx } from './ctx.js';
import { lastFile, releaseEnabled } from './luo.js';
import { destroyEnabled, markedCount, nextMarked } from './main.js';
import { nextPreserved, p3aNext, waitsForDomainsRwsem } from './liveupdate.js';
import { luMutexHeld, menus, opOf, sessionBusy } from './process.js';
import { newKernelFirst, newKernelRunning, systemActions } from './actions-kexec.js';
import { PHASE_NEW, PHASE_OLD, type Action, type Op, type OpOf, type PreserveStep, type State, type VmmThread } from './types.js';

function firstStep(ctx: Ctx, s: State, pid: number, idx: number, op: Op): Action[] {
  const b = { pid, idx };
  switch (op.op) {
    case 'map_file':
      return [{ ...b, type: 'iommufd_ioas_map_file', op, step: 'M1' }];
    case 'unmap':
      return [{ ...b, type: 'iommufd_ioas_unmap', op }];
    case 'destroy': {
      const a: Action = { ...b, type: 'iommufd_destroy', op };
      return destroyEnabled(ctx, s, a) ? [a] : [];
    }
    case 'attach':
      return [{ ...b, type: 'iommufd_device_attach', op }];
    case 'replace':
      return [{ ...b, type: 'iommufd_device_replace', op }];
    case 'detach':
      return [{ ...b, type: 'iommufd_device_detach', op }];
    case 'mark_preserve':
      return luMutexHeld(s) ? [] : [{ ...b, type: 'iommufd_hwpt_liveupdate_mark_preserve', op }];
    case 'add_seals':
      return [{ ...b, type: 'memfd_add_seals', op }];
    case 'ftruncate':
      return [{ ...b, type: 'shmem_setattr', op }];
    case 'fallocate':
      return [{ ...b, type: 'shmem_fallocate', op }];
    case 'preserve_fd':
      return sessionBusy(s) ? [] : preserveFdFirst(s, pid, idx, op);
    case 'close_session':
      return sessionBusy(s) || !releaseEnabled(s) ? [] : [{ ...b, type: 'luo_session_release', op, file: lastFile(s) }];
    // Ops of the new kernel's menus only (actions-kexec.ts) and the reboot's pseudo-op: never in an old-kernel menu.
    case 'retrieve_session':
    case 'retrieve_fd':
    case 'hwpt_alloc':
    case 'attach_ioas':
    case 'lu_restore':
    case 'bind_driver':
    case 'finish':
    case 'kexec':
      return [];
    default:
      return op satisfies never;
  }
}

/** The first step of a menu op: an extension's entry points for its own ops, else the model's. */
function firstOf(ctx: Ctx, s: State, pid: number, idx: number, op: Op): Action[] {
  const ext = ctx.ext?.reg.firstOf(op.op, 'old');
  if (ext) return ext.flatMap((e) => e.first(ctx, s, pid, idx, op)) as Action[];
  return firstStep(ctx, s, pid, idx, op);
}

function preserveFdFirst(s: State, pid: number, idx: number, op: OpOf<'preserve_fd'>): Action[] {
  const b = { pid, idx, op };
  if (op.file.kind === 'memfd') return [{ ...b, type: 'memfd_luo_preserve' }];
  if (op.file.kind === 'cdev') return [{ ...b, type: 'iommu_preserve_device' }];
  return luMutexHeld(s) ? [] : [{ ...b, type: 'iommufd_liveupdate_preserve', step: 'P0', fail: false, hwpt: -1 }];
}

/** Whether the fallible call of this preserve step may fail in this scope. */
function mayFail(ctx: Ctx, s: State, t: VmmThread, step: PreserveStep): boolean {
  const f = ctx.scope.failures;
  const twoPass = ctx.sw.hwptCount === 'two-pass';
  if (step === 'P1') return f.lockObj && !twoPass && markedCount(s) > 0;
  if (step === 'P2') return f.khoAlloc;
  if (step === 'P3a') return f.lockObj && twoPass && nextMarked(s, t.cur) >= 0;
  if (step === 'P3c_domain') return f.domainPreserve;
  return false;
}

function continueStep(ctx: Ctx, s: State, pid: number, t: VmmThread, op: Op): Action[] {
  const b = { pid, idx: t.op };
  const owner = ctx.ext?.reg.pcOwner(t.pc);
  if (owner) return owner.resume!(ctx, s, pid, t, op) as Action[];
  if (op.op === 'map_file' && (t.pc === 'M2' || t.pc === 'M3' || t.pc === 'M4')) {
    return [{ ...b, type: 'iommufd_ioas_map_file', op, step: t.pc }];
  }
  if (waitsForDomainsRwsem(ctx, s, t)) return [];
  if (t.pc === 'UNPRESERVE' && (op.op === 'preserve_fd' || op.op === 'close_session')) {
    return [{ ...b, type: 'iommufd_liveupdate_unpreserve', op, hwpt: nextPreserved(s, t) }];
  }
  if (t.pc === 'CLOSE' && op.op === 'close_session') return releaseEnabled(s) ? [{ ...b, type: 'luo_session_release', op, file: lastFile(s) }] : [];
  if (op.op !== 'preserve_fd') return [];
  const step = t.pc as PreserveStep;
  const hwpt = step === 'P3a' ? p3aNext(ctx, s, t) : step === 'P1' || step === 'P2' ? -1 : t.cur;
  const ok: Action = { ...b, type: 'iommufd_liveupdate_preserve', op, step, fail: false, hwpt };
  return mayFail(ctx, s, t, step) ? [ok, { ...ok, fail: true }] : [ok];
}

/**
 * VMM threads first (old kernel: the ops before the menu's split; new
 * kernel: those after it; none while reboot freezes), then the reboot or
 * boot process.
 */
export function enabledActions(ctx: Ctx, s: State): Action[] {
  const out: Action[] = [];
  const m = menus(ctx.scope);
  const old = s.phase === PHASE_OLD;
  const running = !old && newKernelRunning(s);
  for (let pid = 0; pid < s.threads.length; pid++) {
    const t = s.threads[pid]!;
    if (t.pc === 'OOPS' || (!old && s.phase !== PHASE_NEW)) continue;
    const op = opOf(ctx, pid, t);
    if (op) {
      for (const a of continueStep(ctx, s, pid, t, op)) out.push(a);
      continue;
    }
    if (!old && !running) continue; // newKernelFirst: nothing before boot completes
    const menu = m.ops[pid]!;
    const split = m.split[pid]!;
    const to = old ? split : menu.length;
    for (let idx = old ? 0 : split; idx < to; idx++) {
      if (t.done & (1 << idx)) continue;
      if (old) {
        for (const a of firstOf(ctx, s, pid, idx, menu[idx]!)) out.push(a);
      } else newKernelFirst(ctx, s, pid, idx, menu[idx]!, out);
    }
  }
  for (const a of systemActions(ctx, s)) out.push(a);
  return out;
}

/**
 * The enabled actions across kexec: the reboot process (one freeze per
 * preserved file, each of which may fail when the scope injects it, then
 * the jump), the boot process (B1, B2, B3 probing every device,
 * before any VMM step), and the first step of every new-kernel menu op.
 *
 * A new-kernel op is issued once the VMM holds what it needs: the session
 * fd (retrieved) for every LUO and iommufd ioctl, the memfd for MAP_FILE
 * (resealed first, if its menu reseals it), the bound cdev for an attach,
 * the retrieved iommufd for
 * IOMMU_HWPT_LU_RESTORE; ops of the rehydrate design (lu_restore and the
 * ops naming the HWPT slot it fills) are never enabled under
 * restore=rebuild; a scope may order the ops in stages (restoreStages).
 */
import type { Ctx } from './ctx.js';
import { booted, nextProbe } from './boot.js';
import { rebootEnabled, toFreeze } from './kexec.js';
import { isRetrieved } from './luo_incoming.js';
import { menus } from './process.js';
import type { IommufdScope } from './scopes.js';
import { FILE_IOMMUFD, PHASE_FROZEN, PHASE_NEW, PHASE_OLD, type Action, type Op, type State } from './types.js';

const SYS = { pid: -1, idx: -1, op: { op: 'kexec' } } as const;

/** The steps of the reboot and boot processes enabled in `s` (none while the VMM threads run). */
export function systemActions(ctx: Ctx, s: State): Action[] {
  if (ctx.scope.phases === 'old-kernel') return [];
  if (s.phase === PHASE_OLD && !rebootEnabled(s)) return [];
  if (s.phase === PHASE_OLD || s.phase === PHASE_FROZEN) {
    if (toFreeze(s) === 0) return [{ ...SYS, type: 'kernel_kexec' }];
    const file = s.session.files[s.frozen]!.file;
    const ok: Action = { ...SYS, type: 'liveupdate_reboot', file, fail: false };
    return ctx.scope.failures.freeze ? [ok, { ...ok, fail: true }] : [ok];
  }
  if (s.nk.bug || booted(s)) return [];
  if (s.boot === 0) return [{ ...SYS, type: 'kho_populate' }];
  if (s.boot === 1) return [{ ...SYS, type: 'intel_iommu_init' }];
  return [{ ...SYS, type: 'iommu_probe_device', dev: nextProbe(s) }]; // probes every device
}

/** HWPT slots only IOMMU_HWPT_LU_RESTORE fills in this scope. */
function rehydrateSlots(scope: IommufdScope): readonly number[] {
  return scope.restore.flat().flatMap((o) => (o.op === 'lu_restore' ? [o.hwpt] : []));
}

/** Whether op `o` of the new kernel exists under the `restore` switch. */
function inDesign(ctx: Ctx, o: Op): boolean {
  if (ctx.sw.restore === 'rehydrate') return true;
  if (o.op === 'lu_restore') return false;
  return !('hwpt' in o && rehydrateSlots(ctx.scope).includes(o.hwpt));
}

const IN_DESIGN = new WeakMap<Ctx, readonly (readonly boolean[])[]>();

/** inDesign of every menu op, per thread and menu index (computed once per model). */
function designTable(ctx: Ctx): readonly (readonly boolean[])[] {
  let r = IN_DESIGN.get(ctx);
  if (!r) {
    r = menus(ctx.scope).ops.map((ops) => ops.map((o) => inDesign(ctx, o)));
    IN_DESIGN.set(ctx, r);
  }
  return r;
}

/** Every op of thread pid in a lower stage than new-kernel op idx has returned. */
function stageOpen(ctx: Ctx, s: State, pid: number, idx: number): boolean {
  const stages = ctx.scope.restoreStages?.[pid];
  if (!stages) return true;
  const split = menus(ctx.scope).split[pid]!;
  const mine = stages[idx - split] ?? 0;
  return stages.every((st, j) => st >= mine || (s.threads[pid]!.done & (1 << (split + j))) !== 0);
}

/**
 * The VMM maps a retrieved memfd only once it sealed it again, if its menu
 * does (memfd_luo hands the memfd back unsealed).
 */
function resealed(ctx: Ctx, s: State, pid: number, memfd: number): boolean {
  const m = menus(ctx.scope);
  const split = m.split[pid]!;
  const ops = m.ops[pid]!;
  for (let i = split; i < ops.length; i++) {
    const o = ops[i]!;
    if (o.op === 'add_seals' && o.memfd === memfd && (s.threads[pid]!.done & (1 << i)) === 0) return false;
  }
  return true;
}

/** The new kernel is booted and sane: its VMM issues ops. */
export function newKernelRunning(s: State): boolean {
  return s.phase === PHASE_NEW && s.nk.bug === 0 && booted(s);
}

/**
 * The first step of new-kernel op `o` (menu index idx) of thread pid, if the
 * VMM would issue it now; `s` is a state where newKernelRunning holds.
 */
export function newKernelFirst(ctx: Ctx, s: State, pid: number, idx: number, o: Op, out: Action[]): void {
  if (!designTable(ctx)[pid]![idx]! || (ctx.scope.restoreStages !== undefined && !stageOpen(ctx, s, pid, idx))) return;
  // An extension's op: its guard says when the VMM issues it (the booted new kernel runs it).
  const ext = ctx.ext?.reg.firstOf(o.op, 'new');
  if (ext) {
    for (const e of ext) for (const a of e.first(ctx, s, pid, idx, o)) out.push(a as Action);
    return;
  }
  if (o.op === 'retrieve_session') {
    out.push({ pid, idx, type: 'luo_session_retrieve', op: o });
    return;
  }
  if (o.op === 'bind_driver') {
    out.push({ pid, idx, type: 'iommu_device_use_default_domain', op: o });
    return;
  }
  if (!s.nk.retrieved || !s.session.open) return;
  switch (o.op) {
    case 'retrieve_fd':
      out.push({ pid, idx, type: 'luo_retrieve_file', op: o });
      return;
    case 'map_file':
      if (s.memfds[o.memfd]!.retrieved && resealed(ctx, s, pid, o.memfd)) out.push({ pid, idx, type: 'iommufd_ioas_map_file', op: o, step: 'M1' });
      return;
    case 'add_seals':
      if (s.memfds[o.memfd]!.retrieved) out.push({ pid, idx, type: 'memfd_add_seals', op: o });
      return;
    case 'ftruncate':
      if (s.memfds[o.memfd]!.retrieved) out.push({ pid, idx, type: 'shmem_setattr', op: o });
      return;
    case 'fallocate':
      if (s.memfds[o.memfd]!.retrieved) out.push({ pid, idx, type: 'shmem_fallocate', op: o });
      return;
    case 'hwpt_alloc':
      out.push({ pid, idx, type: 'iommufd_hwpt_alloc', op: o });
      return;
    case 'replace':
      if (s.devices[o.dev]!.bound && s.hwpts[o.hwpt]!.alive) out.push({ pid, idx, type: 'iommufd_device_hotswap', op: o });
      return;
    case 'attach_ioas':
      if (s.devices[o.dev]!.bound) out.push({ pid, idx, type: 'iommufd_device_hotswap', op: o });
      return;
    case 'lu_restore':
      if (isRetrieved(s, FILE_IOMMUFD)) out.push({ pid, idx, type: 'iommufd_hwpt_lu_restore', op: o });
      return;
    case 'destroy':
      if (s.hwpts[o.hwpt]!.alive) out.push({ pid, idx, type: 'iommufd_destroy_restored', op: o });
      return;
    case 'finish':
    case 'close_session':
      out.push({ pid, idx, type: 'luo_session_finish', op: o });
      return;
    // Old-kernel ops (actions.ts) and the reboot's pseudo-op: never in a new-kernel menu.
    case 'unmap':
    case 'attach':
    case 'detach':
    case 'mark_preserve':
    case 'preserve_fd':
    case 'kexec':
      return;
    default:
      o satisfies never;
  }
}

/**
 * What the enabled actions across kexec share: the reboot process (one
 * freeze per preserved file, then the jump) and the boot process (B1, B2,
 * B3 probing every device, before any VMM step) as the system steps of the
 * registry, and which new-kernel menu ops may be issued at all.
 *
 * A new-kernel op is issued once the VMM holds what it needs (each entry
 * point's guard, entry/: the session fd for every LUO and iommufd ioctl,
 * the memfd for MAP_FILE, resealed first if its menu reseals it, the bound
 * cdev for an attach, the retrieved iommufd for IOMMU_HWPT_LU_RESTORE);
 * ops of the rehydrate design (lu_restore and the ops naming the HWPT slot
 * it fills) are never enabled under restore=rebuild; a scope may order the
 * ops in stages (restoreStages).
 */
import type { Ctx } from './entry-point.js';
import { CORE } from './entry/registry.js';
import { menus } from './state/process.js';
import type { IommufdScope } from './scopes/scopes.js';
import { booted } from './kernel/boot.js';
import { PHASE_NEW, type Action, type Op, type State } from './state/types.js';

const SYSTEM = CORE.systemSteps();
const KEXEC: Op = { op: 'kexec' };

/** The steps of the reboot and boot processes enabled in `s` (none while the VMM threads run): each step's guard, in registry order. */
export function systemActions(ctx: Ctx, s: State): Action[] {
  if (ctx.scope.phases === 'old-kernel') return [];
  const out: Action[] = [];
  for (const e of SYSTEM) for (const a of e.first(ctx, s, -1, -1, KEXEC)) out.push(a as Action);
  return out;
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

/** The new kernel is booted and sane: its VMM issues ops. */
export function newKernelRunning(s: State): boolean {
  return s.phase === PHASE_NEW && s.nk.bug === 0 && booted(s);
}

/**
 * Whether new-kernel op idx of thread pid may be issued at all now: it
 * exists under the `restore` switch and its stage is open. Its entry
 * point's guard says the rest (entry/).
 */
export function admitted(ctx: Ctx, s: State, pid: number, idx: number): boolean {
  return designTable(ctx)[pid]![idx]! && (ctx.scope.restoreStages === undefined || stageOpen(ctx, s, pid, idx));
}

/**
 * The model's kernel entry points, one line each: action enumeration,
 * dispatch, labels, process names, --coverage, scope parsing and the
 * kselftest renderer loop over this list (and over the --load extensions'
 * registry, Ctx.ext.reg). Adding an entry point is its own file and one
 * line here; test/model/registry.test.ts checks that every facet is there.
 *
 * The order is the order scope-file errors list the ops each kernel's menus
 * accept (an op is listed where its first serving entry point stands).
 */
import type { Ctx } from '../entry-point.js';
import { Registry, type AnyEntryPoint, type Defined, type Kernel } from '../entry-point.js';
import { menus, registerCorePcs } from '../state/process.js';
import type { ActionType } from '../state/types.js';
import { iommufdIoasMapFileEntry } from './iommufd/iommufd_ioas_map_file.js';
import { iommufdIoasUnmapEntry } from './iommufd/iommufd_ioas_unmap.js';
import { iommufdDestroyEntry } from './iommufd/iommufd_destroy.js';
import { iommufdDeviceAttachEntry } from './iommufd/iommufd_device_attach.js';
import { iommufdDeviceReplaceEntry } from './iommufd/iommufd_device_replace.js';
import { iommufdDeviceDetachEntry } from './iommufd/iommufd_device_detach.js';
import { iommufdHwptLiveupdateMarkPreserveEntry } from './iommufd/iommufd_hwpt_liveupdate_mark_preserve.js';
import { iommufdLiveupdatePreserveEntry } from './iommufd/iommufd_liveupdate_preserve.js';
import { iommufdLiveupdateUnpreserveEntry } from './iommufd/iommufd_liveupdate_unpreserve.js';
import { iommufdHwptAllocEntry } from './iommufd/iommufd_hwpt_alloc.js';
import { iommufdDeviceHotswapEntry } from './iommufd/iommufd_device_hotswap.js';
import { iommufdHwptLuRestoreEntry } from './iommufd/iommufd_hwpt_lu_restore.js';
import { iommufdDestroyRestoredEntry } from './iommufd/iommufd_destroy_restored.js';
import { memfdAddSealsEntry } from './mm/memfd_add_seals.js';
import { shmemSetattrEntry } from './mm/shmem_setattr.js';
import { shmemFallocateEntry } from './mm/shmem_fallocate.js';
import { memfdLuoPreserveEntry } from './mm/memfd_luo_preserve.js';
import { iommuPreserveDeviceEntry } from './iommu/iommu_preserve_device.js';
import { iommuDeviceUseDefaultDomainEntry } from './iommu/iommu_device_use_default_domain.js';
import { intelIommuInitEntry } from './iommu/intel_iommu_init.js';
import { iommuProbeDeviceEntry } from './iommu/iommu_probe_device.js';
import { luoSessionRetrieveEntry } from './liveupdate/luo_session_retrieve.js';
import { luoRetrieveFileEntry } from './liveupdate/luo_retrieve_file.js';
import { luoSessionReleaseEntry } from './liveupdate/luo_session_release.js';
import { luoSessionFinishEntry } from './liveupdate/luo_session_finish.js';
import { liveupdateRebootEntry } from './liveupdate/liveupdate_reboot.js';
import { khoPopulateEntry } from './liveupdate/kho_populate.js';
import { kernelKexecEntry } from './kexec/kernel_kexec.js';

type AnyDefined = Defined<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every kernel entry point of the model, in the order above. */
export const CORE_ENTRIES = [
  luoSessionRetrieveEntry,
  luoRetrieveFileEntry,
  iommufdIoasMapFileEntry,
  iommufdIoasUnmapEntry,
  iommufdDestroyEntry,
  iommufdDeviceAttachEntry,
  iommufdDeviceReplaceEntry,
  iommufdDeviceDetachEntry,
  iommufdHwptLiveupdateMarkPreserveEntry,
  memfdAddSealsEntry,
  shmemSetattrEntry,
  shmemFallocateEntry,
  memfdLuoPreserveEntry,
  iommuPreserveDeviceEntry,
  iommufdLiveupdatePreserveEntry,
  iommufdLiveupdateUnpreserveEntry,
  luoSessionReleaseEntry,
  iommufdHwptAllocEntry,
  iommufdDeviceHotswapEntry,
  iommufdHwptLuRestoreEntry,
  iommufdDestroyRestoredEntry,
  iommuDeviceUseDefaultDomainEntry,
  luoSessionFinishEntry,
  liveupdateRebootEntry,
  kernelKexecEntry,
  khoPopulateEntry,
  intelIommuInitEntry,
  iommuProbeDeviceEntry,
] as const satisfies readonly AnyDefined[];

/** Compile-time: every action type of types.ts' Action has an entry point here (a type left out names itself in the error). */
type Listed = ReturnType<(typeof CORE_ENTRIES)[number]['first']>[number]['type'];
type Unlisted = Exclude<ActionType, Listed>;
export type EveryActionTypeListed = [Unlisted] extends [never] ? true : { readonly missing: Unlisted };
export const EVERY_ACTION_TYPE_LISTED: EveryActionTypeListed = true;

/** The model's registry: its entry points and the menu ops they define. */
export const CORE = new Registry(CORE_ENTRIES, CORE_ENTRIES.flatMap((e) => e.defines));
registerCorePcs(CORE_ENTRIES.flatMap((e) => Object.entries(e.pcs)));

/** The entry point of action type `type`: an extension's, else the model's. */
export function entryOf(ctx: Ctx, type: string): AnyEntryPoint | undefined {
  return ctx.ext?.reg.entry(type) ?? CORE.entry(type);
}

/** The entry points serving menu op `o` in `kernel` that take it (an extension's for its own ops). */
export function servers(ctx: Ctx, o: { readonly op: string }, kernel: Kernel): readonly AnyEntryPoint[] {
  const all = ctx.ext?.reg.firstOf(o.op, kernel) ?? CORE.firstOf(o.op, kernel) ?? [];
  return all.filter((e) => e.accepts === undefined || e.accepts(o));
}

/** Dispatch tables of one model (ctx): computed once, so a step costs a lookup. */
export interface Dispatch {
  /** Per thread and menu index: the entry points that may take the op's first step. */
  readonly first: readonly (readonly (readonly AnyEntryPoint[])[])[];
  /** The entry point owning each program counter. */
  readonly pc: ReadonlyMap<string, AnyEntryPoint>;
  /** The entry point of each action type. */
  readonly type: ReadonlyMap<string, AnyEntryPoint>;
}

const DISPATCH = new WeakMap<Ctx, Dispatch>();

export function dispatch(ctx: Ctx): Dispatch {
  let d = DISPATCH.get(ctx);
  if (d) return d;
  const m = menus(ctx.scope);
  const first = m.ops.map((ops, pid) => ops.map((o, idx) => servers(ctx, o, idx >= m.split[pid]! ? 'new' : 'old')));
  const pc = new Map<string, AnyEntryPoint>();
  const type = new Map<string, AnyEntryPoint>();
  for (const reg of [CORE, ...(ctx.ext ? [ctx.ext.reg] : [])]) {
    for (const e of reg.entries) {
      type.set(e.type, e);
      for (const p of Object.keys(e.pcs)) pc.set(p, e);
    }
  }
  d = { first, pc, type };
  DISPATCH.set(ctx, d);
  return d;
}

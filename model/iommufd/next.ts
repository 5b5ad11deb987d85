/**
 * The effects of Next: one exhaustive match over the action types, each arm
 * the kernel function (camelCase of the action type) that models it. The
 * match runs once per action type and its arm is cached, so a transition
 * costs one table lookup (the match itself is far slower than a step).
 */
import { match } from 'ts-pattern';
import type { Ctx } from './ctx.js';
import { iommufdDeviceAttach, iommufdDeviceDetach, iommufdDeviceReplace } from './device.js';
import { iommuPreserveDevice } from './iommu_group.js';
import { iommufdIoasMapFile, iommufdIoasUnmap } from './ioas.js';
import { iommufdHwptLiveupdateMarkPreserve, iommufdLiveupdatePreserve, iommufdLiveupdateUnpreserve } from './liveupdate.js';
import { luoSessionRelease } from './luo.js';
import { iommufdDestroy } from './main.js';
import { memfdAddSeals, memfdLuoPreserve, shmemFallocate, shmemSetattr } from './memfd.js';
import type { Action, ActionType, State } from './types.js';
import { intelIommuInit, iommuProbeDevices, khoPopulate } from './boot.js';
import { kernelKexec, liveupdateReboot } from './kexec.js';
import { luoRetrieveFile, luoSessionRetrieve } from './luo_incoming.js';
import { iommuDeviceUseDefaultDomain, iommufdDestroyRestored, iommufdDeviceHotswap, iommufdHwptAlloc, iommufdHwptLuRestore } from './rebuild.js';
import { luoSessionFinish } from './finish.js';

type Handler<K extends ActionType> = (ctx: Ctx, s: State, a: Extract<Action, { type: K }>) => State;
type AnyHandler = (ctx: Ctx, s: State, a: Action) => State;

/** Types the arm of action type `k` (its handler takes that variant of Action). */
const on = <K extends ActionType>(_k: K, f: Handler<K>): AnyHandler => f as AnyHandler;

function handlerOf(type: ActionType): AnyHandler {
  return match(type)
    .with('iommufd_ioas_map_file', (k) => on(k, (ctx, s, x) => iommufdIoasMapFile(ctx, s, x)))
    .with('iommufd_ioas_unmap', (k) => on(k, (_c, s, x) => iommufdIoasUnmap(s, x)))
    .with('iommufd_destroy', (k) => on(k, (_c, s, x) => iommufdDestroy(s, x)))
    .with('iommufd_device_attach', (k) => on(k, (_c, s, x) => iommufdDeviceAttach(s, x)))
    .with('iommufd_device_replace', (k) => on(k, (ctx, s, x) => iommufdDeviceReplace(ctx, s, x)))
    .with('iommufd_device_detach', (k) => on(k, (_c, s, x) => iommufdDeviceDetach(s, x)))
    .with('iommufd_hwpt_liveupdate_mark_preserve', (k) => on(k, (_c, s, x) => iommufdHwptLiveupdateMarkPreserve(s, x)))
    .with('memfd_add_seals', (k) => on(k, (_c, s, x) => memfdAddSeals(s, x)))
    .with('shmem_setattr', (k) => on(k, (_c, s, x) => shmemSetattr(s, x)))
    .with('shmem_fallocate', (k) => on(k, (_c, s, x) => shmemFallocate(s, x)))
    .with('memfd_luo_preserve', (k) => on(k, (_c, s, x) => memfdLuoPreserve(s, x)))
    .with('iommu_preserve_device', (k) => on(k, (_c, s, x) => iommuPreserveDevice(s, x)))
    .with('iommufd_liveupdate_preserve', (k) => on(k, (ctx, s, x) => iommufdLiveupdatePreserve(ctx, s, x)))
    .with('iommufd_liveupdate_unpreserve', (k) => on(k, (ctx, s, x) => iommufdLiveupdateUnpreserve(ctx, s, x)))
    .with('luo_session_release', (k) => on(k, (_c, s, x) => luoSessionRelease(s, x)))
    .with('liveupdate_reboot', (k) => on(k, (_c, s, x) => liveupdateReboot(s, x)))
    .with('kernel_kexec', (k) => on(k, (_c, s) => kernelKexec(s)))
    .with('kho_populate', (k) => on(k, (_c, s) => khoPopulate(s)))
    .with('intel_iommu_init', (k) => on(k, (ctx, s) => intelIommuInit(ctx, s)))
    .with('iommu_probe_device', (k) => on(k, (_c, s, x) => iommuProbeDevices(s, x)))
    .with('luo_session_retrieve', (k) => on(k, (_c, s, x) => luoSessionRetrieve(s, x)))
    .with('luo_retrieve_file', (k) => on(k, (_c, s, x) => luoRetrieveFile(s, x)))
    .with('iommufd_hwpt_alloc', (k) => on(k, (_c, s, x) => iommufdHwptAlloc(s, x)))
    .with('iommufd_device_hotswap', (k) => on(k, (ctx, s, x) => iommufdDeviceHotswap(ctx, s, x)))
    .with('iommufd_hwpt_lu_restore', (k) => on(k, (_c, s, x) => iommufdHwptLuRestore(s, x)))
    .with('iommufd_destroy_restored', (k) => on(k, (_c, s, x) => iommufdDestroyRestored(s, x)))
    .with('iommu_device_use_default_domain', (k) => on(k, (_c, s, x) => iommuDeviceUseDefaultDomain(s, x)))
    .with('luo_session_finish', (k) => on(k, (ctx, s, x) => luoSessionFinish(ctx, s, x)))
    .exhaustive();
}

const HANDLERS = new Map<ActionType, AnyHandler>();

export function nextState(ctx: Ctx, s: State, a: Action): State {
  const e = ctx.ext?.reg.entry(a.type);
  if (e) return e.effect(ctx, s, a);
  let h = HANDLERS.get(a.type);
  if (h === undefined) {
    h = handlerOf(a.type);
    HANDLERS.set(a.type, h);
  }
  return h(ctx, s, a);
}

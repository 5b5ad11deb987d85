/**
 * The effects of Next: one exhaustive match over the Action union, each arm
 * the kernel function (camelCase of the action type) that models it.
 */
import { match } from 'ts-pattern';
import type { Ctx } from './ctx.js';
import { iommufdDeviceAttach, iommufdDeviceDetach, iommufdDeviceReplace } from './device.js';
import { iommuPreserveDevice } from './iommu_group.js';
import { iommufdIoasMapFile, iommufdIoasUnmap } from './ioas.js';
import { iommufdHwptLiveupdateMarkPreserve, iommufdLiveupdatePreserve, iommufdLiveupdateUnpreserve } from './liveupdate.js';
import { luoSessionRelease } from './luo.js';
import { iommufdDestroy } from './main.js';
import { memfdAddSeals, memfdLuoPreserve } from './memfd.js';
import type { Action, State } from './types.js';
import { intelIommuInit, iommuProbeDevices, khoPopulate } from './boot.js';
import { kernelKexec, liveupdateReboot } from './kexec.js';
import { luoRetrieveFile, luoSessionRetrieve } from './luo_incoming.js';
import { iommuDeviceUseDefaultDomain, iommufdDestroyRestored, iommufdDeviceHotswap, iommufdHwptAlloc, iommufdHwptLuRestore } from './rebuild.js';
import { luoSessionFinish } from './finish.js';

export function nextState(ctx: Ctx, s: State, a: Action): State {
  return match(a)
    .with({ type: 'iommufd_ioas_map_file' }, (x) => iommufdIoasMapFile(ctx, s, x))
    .with({ type: 'iommufd_ioas_unmap' }, (x) => iommufdIoasUnmap(s, x))
    .with({ type: 'iommufd_destroy' }, (x) => iommufdDestroy(s, x))
    .with({ type: 'iommufd_device_attach' }, (x) => iommufdDeviceAttach(s, x))
    .with({ type: 'iommufd_device_replace' }, (x) => iommufdDeviceReplace(ctx, s, x))
    .with({ type: 'iommufd_device_detach' }, (x) => iommufdDeviceDetach(s, x))
    .with({ type: 'iommufd_hwpt_liveupdate_mark_preserve' }, (x) => iommufdHwptLiveupdateMarkPreserve(s, x))
    .with({ type: 'memfd_add_seals' }, (x) => memfdAddSeals(s, x))
    .with({ type: 'memfd_luo_preserve' }, (x) => memfdLuoPreserve(s, x))
    .with({ type: 'iommu_preserve_device' }, (x) => iommuPreserveDevice(s, x))
    .with({ type: 'iommufd_liveupdate_preserve' }, (x) => iommufdLiveupdatePreserve(ctx, s, x))
    .with({ type: 'iommufd_liveupdate_unpreserve' }, (x) => iommufdLiveupdateUnpreserve(ctx, s, x))
    .with({ type: 'luo_session_release' }, (x) => luoSessionRelease(s, x))
    .with({ type: 'liveupdate_reboot' }, (x) => liveupdateReboot(s, x))
    .with({ type: 'kernel_kexec' }, () => kernelKexec(s))
    .with({ type: 'kho_populate' }, () => khoPopulate(s))
    .with({ type: 'intel_iommu_init' }, () => intelIommuInit(ctx, s))
    .with({ type: 'iommu_probe_device' }, (x) => iommuProbeDevices(s, x))
    .with({ type: 'luo_session_retrieve' }, (x) => luoSessionRetrieve(s, x))
    .with({ type: 'luo_retrieve_file' }, (x) => luoRetrieveFile(s, x))
    .with({ type: 'iommufd_hwpt_alloc' }, (x) => iommufdHwptAlloc(s, x))
    .with({ type: 'iommufd_device_hotswap' }, (x) => iommufdDeviceHotswap(ctx, s, x))
    .with({ type: 'iommufd_hwpt_lu_restore' }, (x) => iommufdHwptLuRestore(s, x))
    .with({ type: 'iommufd_destroy_restored' }, (x) => iommufdDestroyRestored(s, x))
    .with({ type: 'iommu_device_use_default_domain' }, (x) => iommuDeviceUseDefaultDomain(s, x))
    .with({ type: 'luo_session_finish' }, (x) => luoSessionFinish(ctx, s, x))
    .exhaustive();
}

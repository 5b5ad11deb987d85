/**
 * reboot(KEXEC) with live update, and the jump: LUO freezes every preserved
 * file in PRESERVE_FD (FIFO) order, one step each; a failing freeze makes
 * LUO unfreeze the files already frozen (reverse order) and reboot return
 * the error. With every file frozen the sessions are serialized, the KHO FDT
 * is finalized, devices are shut down and the machine jumps.
 *
 * Mirrors kernel/liveupdate/luo_core.c liveupdate_reboot and luo_file.c
 * luo_file_freeze/unfreeze (torvalds/linux), kernel/kexec_core.c
 * kernel_kexec, and drivers/pci/pci-driver.c pci_device_shutdown (bus
 * mastering cleared under kexec_in_progress, except for devices with
 * preserved state, which the series skips).
 *
 * The jump keeps what survives a kexec and drops the rest: RAM is not
 * cleared (every HWPT slot keeps its domain's tables and leaves, the
 * hardware keeps its context entries and keeps walking them), KHO marks
 * and the two blobs (the iommufd blob with nr_hwpts and its entries; the
 * iommu FLB arrays, as the domain_ser/device_ser flags) are handed over,
 * every iommufd object, group and idev record is gone.
 *
 * Left out: the freeze callbacks' own effects (iommufd's is a no-op, memfd's
 * refreshes the file position, neither changes what is modelled), several
 * sessions, the FDT itself. reboot(KEXEC) is issued while every VMM thread
 * is between ioctls (the VMM paused its guests).
 */
import type { Ctx } from '../entry-point.js';
import { NO_INCOMING } from '../state/init.js';
import { IDLE } from '../state/process.js';
import { FILE_CDEV, NO_DOMAIN, PHASE_FROZEN, PHASE_NEW, PHASE_OLD, type Action, type State } from '../state/types.js';
import { groupPartlyPreserved } from './iommu_group.js';

type Reboot = Extract<Action, { type: 'liveupdate_reboot' }>;

/** Files reboot still has to freeze. */
export function toFreeze(s: State): number {
  return s.session.open ? s.session.files.length - s.frozen : 0;
}

/**
 * groupPreserve=whole (a fix not proposed on the list): the freeze of a VFIO
 * cdev whose iommu_group is preserved in part fails with -EBUSY, so the new
 * kernel never attaches a restored domain to a device nobody preserved.
 * As posted (partial) no freeze looks at the group.
 */
export function freezeRefusesGroup(ctx: Ctx, s: State, file: number): boolean {
  if (ctx.sw.groupPreserve !== 'whole' || file < FILE_CDEV) return false;
  return groupPartlyPreserved(s, s.devices[file - FILE_CDEV]!.group);
}

/** reboot(KEXEC) may start: old kernel, no oops, every VMM thread between ioctls. */
export function rebootEnabled(s: State): boolean {
  return s.phase === PHASE_OLD && s.oops === 0 && s.threads.every((t) => t.pc === 'idle');
}

/**
 * luo_file_freeze of the next file in FIFO order (liveupdate_reboot holds
 * the session mutex across all of them, so no PRESERVE_FD or close runs). On failure: luo_file_unfreeze of the files frozen so
 * far, last first, and reboot returns the error (merged into this step).
 */
export function liveupdateReboot(s: State, a: Reboot): State {
  if (a.fail) return { ...s, phase: PHASE_OLD, frozen: 0 };
  return { ...s, phase: PHASE_FROZEN, frozen: s.frozen + 1 };
}

/** kernel_kexec (after liveupdate_reboot returned; one CPU, no other process runs): sessions serialized, KHO finalized, device_shutdown, the jump. */
export function kernelKexec(s: State): State {
  // Seals are not preserved (mm/memfd_luo.c DOC), nor is the frozen mapping. A memfd nobody preserved dies with the
  // old kernel (its pages are free RAM to the new one): one canonical husk.
  const memfds = s.memfds.map((m) =>
    m.preserved ? { ...m, seals: 0, frozen: false, retrieved: false } : { ...m, seals: 0, size: 0, cache: m.cache.map(() => -1), kho: 0, frozen: false, retrieved: false },
  );
  const devices = s.devices.map((d, i) => ({
    ...d,
    hwpt: -1,
    bound: false,
    busMaster: d.busMaster && d.preserved,
    atFreeze: d.preserved ? s.ctx[i]! : -1,
  }));
  const hwpts = s.hwpts.map((h) => ({ ...h, alive: false, marked: false, preserved: false, users: 0, restored: -1 }));
  const groups = s.groups.map(() => ({ domain: NO_DOMAIN, owned: false, hwpt: -1, byToken: false }));
  const flb = s.devices.some((d) => d.preserved) || s.hwpts.some((h) => h.domain.preservedState);
  const session = s.session.open ? s.session : { open: false, files: [] };
  return {
    ...s,
    phase: PHASE_NEW,
    frozen: 0,
    boot: 0,
    probed: 0,
    memfds,
    ioas: s.ioas.map(() => ({ areas: [], immutable: 0 })),
    hwpts,
    devices,
    groups,
    session,
    nk: { ...NO_INCOMING, flb },
    threads: s.threads.map(() => IDLE),
  };
}

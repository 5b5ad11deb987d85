/** Walks of the ci lifecycle through kexec and boot, for the new-kernel unit tests. */
import type { IommufdScope } from '../../model/iommufd/scopes/scopes.js';
import type { Op, State } from '../../model/iommufd/state/types.js';
import { modelFor, scopeOf, walk } from './helpers.js';

/**
 * The ci scope without its second, unattached marked HWPT (and its IOAS),
 * which exists for the count race: one old HWPT, so the new kernel's
 * rebuilt HWPT is hwpt2 and the one IOMMU_HWPT_LU_RESTORE hands back hwpt3,
 * and T2's DESTROY is of the attached hwpt1 (-EBUSY). The unit tests of the
 * new kernel walk this.
 */
const CI = scopeOf('ci');
const down = (o: Op): Op => ('hwpt' in o && o.hwpt >= 2 ? { ...o, hwpt: o.hwpt - 1 } : o);
export const LIFECYCLE: IommufdScope = {
  ...CI,
  ioas: [CI.ioas[0]!],
  hwpts: [CI.hwpts[0]!],
  threads: [CI.threads[0]!, CI.threads[1]!.map((o): Op => (o.op === 'destroy' ? { op: 'destroy', hwpt: 0 } : o))],
  restore: CI.restore.map((menu) => menu.map(down)),
};

export const PRESERVE = ['iommufd_preserve P0', 'iommufd_preserve P1', 'iommufd_preserve P2', 'iommufd_preserve P3a', 'iommufd_preserve P3c_imm',
  'iommufd_preserve P3c_check', 'iommufd_preserve P3c_domain', 'iommufd_preserve P3e', 'iommufd_preserve P4'];
export const CDEVS = ['PRESERVE_FD cdev(dev1)', 'PRESERVE_FD cdev(dev2)'];
export const FREEZE = ['reboot(KEXEC): freeze memfd1', 'reboot(KEXEC): freeze iommufd', 'reboot(KEXEC): freeze cdev(dev1)', 'reboot(KEXEC): freeze cdev(dev2)'];
export const BOOT = ['B1 ', 'B2 ', 'B3 '];

/** The lifecycle with both devices preserved, rebooted and booted. */
export function booted(set: Record<string, string> = {}, cdevs = CDEVS): { m: ReturnType<typeof modelFor>; s: State } {
  const m = modelFor(LIFECYCLE, set);
  const freeze = FREEZE.slice(0, 2 + cdevs.length);
  return { m, s: walk(m, [...PRESERVE, ...cdevs, ...freeze, 'kexec', ...BOOT]) };
}


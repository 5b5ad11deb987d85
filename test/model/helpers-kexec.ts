/** Walks of the ci scope through kexec and boot, for the new-kernel unit tests. */
import type { State } from '../../model/iommufd/types.js';
import { modelFor, walk } from './helpers.js';

export const PRESERVE = ['iommufd_preserve P0', 'iommufd_preserve P1', 'iommufd_preserve P2', 'iommufd_preserve P3a', 'iommufd_preserve P3c_imm',
  'iommufd_preserve P3c_check', 'iommufd_preserve P3c_domain', 'iommufd_preserve P3e', 'iommufd_preserve P4'];
export const CDEVS = ['PRESERVE_FD cdev(dev1)', 'PRESERVE_FD cdev(dev2)'];
export const FREEZE = ['reboot(KEXEC): freeze memfd1', 'reboot(KEXEC): freeze iommufd', 'reboot(KEXEC): freeze cdev(dev1)', 'reboot(KEXEC): freeze cdev(dev2)'];
export const BOOT = ['B1 ', 'B2 ', 'B3 '];

/** ci with both devices preserved, rebooted and booted. */
export function booted(set: Record<string, string> = {}, cdevs = CDEVS): { m: ReturnType<typeof modelFor>; s: State } {
  const m = modelFor('ci', set);
  const freeze = FREEZE.slice(0, 2 + cdevs.length);
  return { m, s: walk(m, [...PRESERVE, ...cdevs, ...freeze, 'kexec', ...BOOT]) };
}


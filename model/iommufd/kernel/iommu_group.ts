/**
 * iommu_group: the active domain the hardware walks for every device of the
 * group, DMA ownership, and the v2 device preserve.
 *
 * Mirrors drivers/iommu/iommu.c (iommu_attach_group, iommu_group_replace_domain,
 * __iommu_take_dma_ownership) and v2 drivers/iommu/liveupdate.c
 * (iommu_preserve_device, patch 15). A change of the active domain rewrites
 * the context entries of the group's devices (context_entry.ts). Left out:
 * default-domain setup in the old kernel, PASIDs, IOMMU units and their FLB
 * entries, the DID.
 */
import { update } from '../state/copy.js';
import { syncGroupCtx } from './context_entry.js';
import { luoAdmit, luoAppend } from './luo.js';
import { ret } from '../state/process.js';
import { BLOCKING_DOMAIN, FILE_CDEV, type Action, type IommuGroup, type State } from '../state/types.js';

type PreserveDevice = Extract<Action, { type: 'iommu_preserve_device' }>;

/** Changes group `g`; when its active domain changes, the hardware's context entries of its devices follow. */
export function withGroup(s: State, g: number, f: (x: IommuGroup) => IommuGroup): State {
  const groups = update(s.groups, g, f);
  if (groups === s.groups) return s;
  const n = { ...s, groups };
  return groups[g]!.domain === s.groups[g]!.domain ? n : syncGroupCtx(n, g);
}

/** The group's devices that an idev records as attached. */
export function attachedInGroup(s: State, g: number): number[] {
  const out: number[] = [];
  s.devices.forEach((d, i) => {
    if (d.group === g && d.hwpt >= 0) out.push(i);
  });
  return out;
}

/** The group is DMA-owned and its active domain is a HWPT's domain with preserved_state. */
export function groupOnPreservedDomain(s: State, g: number): boolean {
  const grp = s.groups[g]!;
  if (!grp.owned || grp.domain < 0) return false;
  const h = s.hwpts[grp.domain]!;
  return h.alive && h.domain.preservedState;
}

/** Detach of the group's last device: back to the blocking domain (the group stays owned). */
export function groupToBlocking(x: IommuGroup): IommuGroup {
  return { ...x, domain: BLOCKING_DOMAIN, hwpt: -1 };
}

/**
 * PRESERVE_FD of a VFIO cdev: LUO's checks, then iommu_preserve_device under
 * flb_mutex: -EINVAL unless the group is DMA-owned and its domain has
 * preserved_state; else allocate device_ser. One step. The other devices of
 * the group are not looked at (groupPartlyPreserved).
 */
export function iommuPreserveDevice(s: State, a: PreserveDevice): State {
  if (a.op.file.kind !== 'cdev') return ret(s, a.pid, a.idx);
  const file = FILE_CDEV + a.op.file.dev;
  const dev = a.op.file.dev;
  if (luoAdmit(s, file, a.op.token) !== 0) return ret(s, a.pid, a.idx);
  if (!groupOnPreservedDomain(s, s.devices[dev]!.group)) return ret(s, a.pid, a.idx); // -EINVAL
  const devices = update(s.devices, dev, (d) => ({ ...d, preserved: true }));
  return ret(luoAppend({ ...s, devices }, file, a.op.token), a.pid, a.idx);
}

/**
 * Group g has a device with preserved state (device_ser) and one without.
 * Nothing in the posted series refuses this: iommu_preserve_device checks
 * the device's own group ownership and domain, never the other devices of
 * its group (samikhawaja/linux drivers/iommu/liveupdate.c; v1 12/14,
 * <20260203220948.2176157-13-skhawaja@google.com>, iommufd_device_preserve
 * the same). A reboot between two cdevs' PRESERVE_FDs, or a VMM that
 * preserves one of them, leaves the group so.
 */
export function groupPartlyPreserved(s: State, g: number): boolean {
  let yes = false;
  let no = false;
  for (const d of s.devices) {
    if (d.group !== g) continue;
    if (d.preserved) yes = true;
    else no = true;
  }
  return yes && no;
}

/** The cdev's unpreserve callback: free device_ser. */
export function iommuUnpreserveDevice(s: State, dev: number): State {
  return { ...s, devices: update(s.devices, dev, (d) => ({ ...d, preserved: false })) };
}

/**
 * ATTACH / REPLACE / DETACH of a device to a HWPT_PAGING, each one step under
 * iommufd_group.lock (igmutex).
 *
 * Mirrors drivers/iommu/iommufd/device.c. replace=group is mainline (and
 * what v2 builds on): igroup.hwpt is swapped once and the references of all
 * the group's devices move. replace=per-device is the 2023 device-centric
 * design Nicolin Chen describes (10 Feb 2023, <Y+bc8OrWfw3Fq57n@Asurada-Nvidia>): the hardware moves the whole
 * group but only the calling idev's bookkeeping moves; the others lag until
 * userspace replaces them too. Left out: reserved-region enforcement,
 * PASID attach, auto domains, the idev's own refcount.
 */
import type { Ctx } from '../entry-point.js';
import { update } from '../state/copy.js';
import { attachedInGroup, groupToBlocking, withGroup } from './iommu_group.js';
import { addUsers } from './main.js';
import { ret } from '../state/process.js';
import type { Action, State } from '../state/types.js';

type Attach = Extract<Action, { type: 'iommufd_device_attach' }>;
type Replace = Extract<Action, { type: 'iommufd_device_replace' }>;
type Detach = Extract<Action, { type: 'iommufd_device_detach' }>;

function setDevHwpt(s: State, dev: number, hwpt: number): State {
  return { ...s, devices: update(s.devices, dev, (d) => ({ ...d, hwpt })) };
}

/** iommufd_device_attach: the group's first device does iommu_attach_group; a group already on another HWPT refuses. */
export function iommufdDeviceAttach(s: State, a: Attach): State {
  const dev = s.devices[a.op.dev]!;
  const grp = s.groups[dev.group]!;
  if (dev.hwpt >= 0 || !s.hwpts[a.op.hwpt]!.alive) return ret(s, a.pid, a.idx); // -EINVAL / -ENOENT
  if (grp.hwpt >= 0 && grp.hwpt !== a.op.hwpt) return ret(s, a.pid, a.idx); // -EINVAL (-EBUSY in 2023)
  let n = grp.hwpt < 0 ? withGroup(s, dev.group, (x) => ({ ...x, domain: a.op.hwpt, hwpt: a.op.hwpt })) : s;
  n = addUsers(setDevHwpt(n, a.op.dev, a.op.hwpt), a.op.hwpt, 1);
  return ret(n, a.pid, a.idx);
}

/** replace=group: iommu_group_replace_domain, then every device of the igroup moves with its reference. */
function replaceGroup(s: State, a: Replace): State {
  const g = s.devices[a.op.dev]!.group;
  const old = s.groups[g]!.hwpt;
  if (old === a.op.hwpt) return ret(s, a.pid, a.idx);
  const devs = attachedInGroup(s, g);
  let n = withGroup(s, g, (x) => ({ ...x, domain: a.op.hwpt, hwpt: a.op.hwpt }));
  for (const d of devs) n = setDevHwpt(n, d, a.op.hwpt);
  n = addUsers(addUsers(n, old, -devs.length), a.op.hwpt, devs.length);
  return ret(n, a.pid, a.idx);
}

/** replace=per-device: partial detach of this idev; the group's first replacing device switches the hardware. */
function replacePerDevice(s: State, a: Replace): State {
  const dev = s.devices[a.op.dev]!;
  if (dev.hwpt === a.op.hwpt) return ret(s, a.pid, a.idx);
  let n = addUsers(s, dev.hwpt, -1);
  if (s.groups[dev.group]!.domain !== a.op.hwpt) n = withGroup(n, dev.group, (x) => ({ ...x, domain: a.op.hwpt, hwpt: a.op.hwpt }));
  n = addUsers(setDevHwpt(n, a.op.dev, a.op.hwpt), a.op.hwpt, 1);
  return ret(n, a.pid, a.idx);
}

export function iommufdDeviceReplace(ctx: Ctx, s: State, a: Replace): State {
  if (s.devices[a.op.dev]!.hwpt < 0 || !s.hwpts[a.op.hwpt]!.alive) return ret(s, a.pid, a.idx); // -EINVAL / -ENOENT
  return ctx.sw.replace === 'group' ? replaceGroup(s, a) : replacePerDevice(s, a);
}

/** iommufd_device_detach: unlink; the group's last attached device detaches the group (blocking domain). */
export function iommufdDeviceDetach(s: State, a: Detach): State {
  const dev = s.devices[a.op.dev]!;
  if (dev.hwpt < 0) return ret(s, a.pid, a.idx); // -EINVAL
  let n = addUsers(setDevHwpt(s, a.op.dev, -1), dev.hwpt, -1);
  if (attachedInGroup(n, dev.group).length === 0) n = withGroup(n, dev.group, groupToBlocking);
  return ret(n, a.pid, a.idx);
}

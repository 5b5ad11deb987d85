/**
 * replace-bookkeeping: after every igmutex section, iommufd's
 * records agree with the hardware: the group's active domain is
 * igroup.hwpt's, every attached idev names igroup.hwpt, and every HWPT's
 * users count is 1 (xarray) + its attached devices + the references preserve
 * holds on it.
 *
 * Refined: the users count includes the iommufd_lock_obj references of the
 * preserve path (in hand, kept for preserved HWPTs, or locked at P1 with
 * hwptCount=stable), the "lock refs".
 */
import type { InvariantFactory } from './types.js';
import { SEED_004 } from './types.js';
import { attachedInGroupCount, expectedUsers, hwptName } from '../model/iommufd/state/predicates.js';

const make: InvariantFactory = () => ({
  id: 'replace-bookkeeping',
  title: "iommufd's attach records match the group's active domain and the HWPT reference counts",
  kind: 'state',
  source: SEED_004,
  statement:
    "For every group: its active domain is igroup.hwpt's domain and every attached idev names igroup.hwpt; " +
    'for every HWPT: users = 1 + attached devices + preserve references.',
  check: (s) => {
    for (let g = 0; g < s.groups.length; g++) {
      const grp = s.groups[g]!;
      let attached = 0;
      for (let d = 0; d < s.devices.length; d++) {
        const h = s.devices[d]!.hwpt;
        if (s.devices[d]!.group !== g || h < 0) continue;
        attached++;
        if (h !== grp.hwpt || grp.domain !== h) {
          return `dev${d + 1} is recorded on ${hwptName(h)} while its group's hardware uses ${grp.domain >= 0 ? hwptName(grp.domain) : 'no HWPT'}`;
        }
      }
      if (grp.hwpt >= 0 && attached === 0) return `group ${g + 1} names ${hwptName(grp.hwpt)} with no device attached`;
    }
    for (let h = 0; h < s.hwpts.length; h++) {
      if (!s.hwpts[h]!.alive) continue;
      const want = expectedUsers(s, h);
      if (s.hwpts[h]!.users !== want) return `${hwptName(h)} has users = ${s.hwpts[h]!.users}, bookkeeping accounts for ${want}`;
    }
    return null;
  },
  witness: {
    title: 'a REPLACE moved a multi-device group to another HWPT',
    reached: (prev, a, next) => {
      if (prev === undefined || a?.type !== 'iommufd_device_replace') return false;
      const g = prev.devices[a.op.dev]!.group;
      return attachedInGroupCount(prev, g) >= 2 && next.groups[g]!.domain !== prev.groups[g]!.domain;
    },
  },
});
export default make;

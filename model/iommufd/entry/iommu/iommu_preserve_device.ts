/** LIVEUPDATE_SESSION_PRESERVE_FD of a VFIO cdev: the v2 device preserve (patch 15), one step under the session mutex. */
import { iommuPreserveDevice } from '../../kernel/iommu_group.js';
import { sessionBusy } from '../../state/process.js';
import { fileRefText } from '../../render/names.js';
import type { ActionOf, Defined } from '../../entry-point.js';

type A = ActionOf<'iommu_preserve_device'>;

export const iommuPreserveDeviceEntry = {
  type: 'iommu_preserve_device',
  source: 'drivers/iommu/liveupdate.c: iommu_preserve_device',
  defines: [],
  serves: [{ op: 'preserve_fd', kernel: 'old' }],
  accepts: (op) => op.file.kind === 'cdev',
  then: undefined,
  system: undefined,
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, s, pid, idx, op): A[] => (sessionBusy(s) ? [] : [{ pid, idx, op, type: 'iommu_preserve_device' }]),
  effect: (_ctx, s, a) => iommuPreserveDevice(s, a),
  label: (x) => `PRESERVE_FD ${fileRefText(x.op.file)} token ${x.op.token} (iommu_preserve_device)`,
  kselftest: (ctx, a, s, k) => k.issue(ctx, s, a, a.op, k.call.preserveFd(a.op.file, a.op.token), `LIVEUPDATE_SESSION_PRESERVE_FD (${a.type})`),
} satisfies Defined<A>;

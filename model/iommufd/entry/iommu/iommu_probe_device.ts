/** B3 of the new kernel's boot: every device probed in bus order, one step (restore and attach the preserved domain, or the default domain). */
import { iommuProbeDevices, nextProbe } from '../../kernel/boot.js';
import type { ActionOf, Defined } from '../../entry-point.js';
import { bootStage, KEXEC_OP } from '../common.js';

type A = ActionOf<'iommu_probe_device'>;

export const iommuProbeDeviceEntry = {
  type: 'iommu_probe_device',
  source: 'drivers/iommu/iommu.c: iommu_probe_device',
  defines: [],
  serves: [],
  accepts: undefined,
  then: undefined,
  system: { process: 'boot', inMenu: (scope) => scope.devices.length > 0 },
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, s): A[] => (bootStage(s) >= 2 ? [{ pid: -1, idx: -1, op: KEXEC_OP, type: 'iommu_probe_device', dev: nextProbe(s) }] : []),
  effect: (_ctx, s, a) => iommuProbeDevices(s, a),
  label: () => 'B3 iommu_probe_device of every device: restore and attach the preserved domain, or the default domain',
  kselftest: (_ctx, a, _s, k) => k.kexecStep(a),
} satisfies Defined<A>;

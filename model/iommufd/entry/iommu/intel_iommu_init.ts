/** B2 of the new kernel's boot: the IOMMU driver takes the hardware over (FLB retrieve, context entries cleared per switch `sanitize`). */
import { intelIommuInit } from '../../kernel/boot.js';
import type { ActionOf, Defined } from '../../entry-point.js';
import { bootStage, KEXEC_OP } from '../common.js';

type A = ActionOf<'intel_iommu_init'>;

export const intelIommuInitEntry = {
  type: 'intel_iommu_init',
  source: 'drivers/iommu/intel/iommu.c: intel_iommu_init',
  defines: [],
  serves: [],
  accepts: undefined,
  then: undefined,
  system: { process: 'boot', inMenu: () => true },
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, s): A[] => (bootStage(s) === 1 ? [{ pid: -1, idx: -1, op: KEXEC_OP, type: 'intel_iommu_init' }] : []),
  effect: (ctx, s) => intelIommuInit(ctx, s),
  label: () => 'B2 IOMMU takeover: FLB retrieve, clear context entries of devices without preserved state',
  kselftest: (_ctx, a, _s, k) => k.kexecStep(a),
} satisfies Defined<A>;

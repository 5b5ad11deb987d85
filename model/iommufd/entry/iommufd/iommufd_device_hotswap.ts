/**
 * The hot-swap in the new kernel: ATTACH_IOMMUFD_PT of a bound device to a
 * HWPT (REPLACE) or to an IOAS (an auto domain) moves its group off the
 * restored domain (iommu_group_replace_domain; switch `verify`).
 */
import { iommufdDeviceHotswap } from '../../kernel/rebuild.js';
import { dv, hw, io } from '../../render/names.js';
import type { ActionOf, Defined } from '../../entry-point.js';
import { sessionReady } from '../common.js';

type A = ActionOf<'iommufd_device_hotswap'>;

export const iommufdDeviceHotswapEntry = {
  type: 'iommufd_device_hotswap',
  source: 'drivers/iommu/iommufd/hw_pagetable.c: iommufd_hw_pagetable_attach',
  defines: [{
    name: 'attach_ioas',
    doc: 'VFIO_DEVICE_ATTACH_IOMMUFD_PT of device `dev` to IOAS `ioas` (an auto domain, in new-kernel HWPT slot `hwpt`)',
    fields: { dev: { kind: 'dev' }, ioas: { kind: 'ioas' }, hwpt: { kind: 'slot' } },
    kernels: ['new'],
  }],
  serves: [{ op: 'replace', kernel: 'new' }, { op: 'attach_ioas', kernel: 'new' }],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: {},
  steps: undefined,
  resume: undefined,
  first(_ctx, s, pid, idx, op): A[] {
    if (!sessionReady(s) || !s.devices[op.dev]!.bound) return [];
    if (op.op === 'replace' && !s.hwpts[op.hwpt]!.alive) return [];
    return [{ pid, idx, type: 'iommufd_device_hotswap', op }];
  },
  effect: (ctx, s, a) => iommufdDeviceHotswap(ctx, s, a),
  label: (x) => (x.op.op === 'attach_ioas' ? `ATTACH ${dv(x.op.dev)} -> ${io(x.op.ioas)} (auto domain ${hw(x.op.hwpt)}; hot-swap)` : `REPLACE ${dv(x.op.dev)} -> ${hw(x.op.hwpt)} (hot-swap)`),
  kselftest: (ctx, a, s, k) =>
    k.issue(ctx, s, a, a.op, k.call.attach(a.op.dev, a.op.op === 'replace' ? `hwpt_id[${a.op.hwpt}]` : `ioas_id[${a.op.ioas}]`), 'hot-swap: ATTACH_IOMMUFD_PT on the cdev moves its group off the restored domain'),
} satisfies Defined<A>;

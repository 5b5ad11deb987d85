/**
 * rebuilt-equals-preserved: a group leaves a domain restored
 * from the previous kernel for a HWPT userspace built only if the two radix
 * trees are equal (IOVA -> PA), so the hot-swap is invisible to DMA.
 *
 * Refined: checked on the hot-swap (ATTACH/REPLACE, also with an auto
 * domain) only. FINISH moving a device nobody reclaimed to the blocking
 * domain is no adoption; finish-clean judges it. The trees are compared as
 * the hardware walks them (the device's context entry before and after the
 * step, IOVA by IOVA), not with the kernel's compare (verify=compare).
 */
import type { InvariantFactory } from './types.js';
import { SEED_002 } from './types.js';
import { devName, onRestoredDomain, translate } from '../model/iommufd/state/predicates-kexec.js';
import type { Action, State } from '../model/iommufd/state/types.js';

/** For a hot-swap step that moved a group off a restored domain: [old slot, new HWPT], else undefined. */
function adoption(prev: State, a: Action | undefined, next: State): [number, number] | undefined {
  if (a?.type !== 'iommufd_device_hotswap') return undefined;
  const g = prev.devices[a.op.dev]!.group;
  const from = onRestoredDomain(prev, g);
  const to = next.groups[g]!.domain;
  if (from < 0 || to === prev.groups[g]!.domain || to < 0) return undefined;
  return [from, to];
}

/** The first IOVA device d translates differently after the step than before it, -1 if none. */
function firstDifference(prev: State, next: State, d: number, from: number): number {
  const n = prev.hwpts[from]!.domain.leaves.length;
  for (let iova = 0; iova < n; iova++) if (translate(prev, d, iova) !== translate(next, d, iova)) return iova;
  return -1;
}

const make: InvariantFactory = () => ({
  id: 'rebuilt-equals-preserved',
  title: 'A restored domain is replaced only by a rebuilt HWPT with an equal radix tree',
  kind: 'step',
  source: SEED_002,
  statement:
    'When a hot-swap moves a group from a restored domain D to a HWPT D\' userspace built, radix(D\') = radix(D): ' +
    'the same page for every IOVA.',
  check: (prev, a, next) => {
    const x = adoption(prev, a, next);
    if (!x || a.type !== 'iommufd_device_hotswap') return null;
    const [from, to] = x;
    const iova = firstDifference(prev, next, a.op.dev, from);
    if (iova < 0) return null;
    return `${devName(a.op.dev)}'s group was moved from the restored domain of hwpt${from + 1} to hwpt${to + 1}, whose radix tree differs: DMA to iova ${iova} now reaches pfn ${translate(next, a.op.dev, iova)}, not pfn ${translate(prev, a.op.dev, iova)}`;
  },
  witness: {
    title: 'an equal rebuilt tree is adopted',
    reached: (prev, a, next) => {
      if (prev === undefined) return false;
      const x = adoption(prev, a, next);
      return x !== undefined && a !== undefined && a.type === 'iommufd_device_hotswap' && firstDifference(prev, next, a.op.dev, x[0]) < 0 && next.hwpts[x[1]]!.restored < 0;
    },
  },
});
export default make;

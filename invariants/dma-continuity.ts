/**
 * dma-continuity: a preserved device keeps DMA flowing into
 * the same guest pages from kexec until the rebuild is over: its context
 * entry stays present and translates every IOVA that was mapped at kexec
 * to the same page.
 *
 * Refined: "from freeze to end of rebuild" is checked in the new kernel
 * until FINISH or the close of the incoming session (in the old kernel the
 * preserved IOAS is immutable and freeze-no-mutation covers it; after
 * FINISH a device nobody reclaimed is meant to stop, finish-clean says
 * how). The device's bus mastering is part of it: the jump keeps it only
 * for devices with preserved state.
 */
import type { InvariantFactory } from './types.js';
import { SEED_000, SEED_001 } from './types.js';
import { atFreeze, beforeFinish, devName, rebuiltEqual, translate } from '../model/iommufd/state/predicates-kexec.js';
import type { State } from '../model/iommufd/state/types.js';

/** Some device preserved at kexec is on a rebuilt HWPT that translates as its restored domain did. */
function movedAndKept(s: State): boolean {
  return s.devices.some((d, i) => d.atFreeze >= 0 && rebuiltEqual(s, i));
}

const make: InvariantFactory = () => ({
  id: 'dma-continuity',
  title: 'A preserved device keeps translating every IOVA mapped at kexec to the same page until FINISH',
  kind: 'state',
  source: `${SEED_000}; ${SEED_001}`,
  statement:
    'In the new kernel before FINISH, every device preserved at kexec is bus mastering, has a present context ' +
    'entry, and translates each IOVA that was mapped at kexec to the page it reached at kexec.',
  check: (s) => {
    if (!beforeFinish(s)) return null;
    for (let d = 0; d < s.devices.length; d++) {
      const before = atFreeze(s, d);
      if (before === undefined) continue;
      if (!s.devices[d]!.busMaster) return `${devName(d)} stopped bus mastering before FINISH`;
      if (s.ctx[d]! < 0) return `${devName(d)}'s context entry is no longer present: its DMA faults`;
      for (let iova = 0; iova < before.length; iova++) {
        const was = before[iova]!;
        const now = translate(s, d, iova);
        if (was >= 0 && now !== was) return `${devName(d)}'s DMA to iova ${iova} now reaches pfn ${now}, not pfn ${was} as at kexec`;
      }
    }
    return null;
  },
  witness: {
    title: 'a preserved device was moved onto a HWPT rebuilt in the new kernel and kept its translations',
    reached: (_p, a, s) => a?.type === 'iommufd_device_hotswap' && beforeFinish(s) && movedAndKept(s),
  },
});
export default make;

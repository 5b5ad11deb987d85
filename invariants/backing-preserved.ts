/**
 * backing-preserved: every page a preserved HWPT can
 * translate to survives kexec: each mapped area of its IOAS is FILE-backed
 * by a memfd in the session, and every pfn its domain maps is a KHO-marked
 * (memfd_luo preserved) folio.
 *
 * Refined: checked in every state where a HWPT is preserved (its domain has
 * preserved_state or liveupdate_preserved is set), not only at freeze, since
 * the old kernel has no freeze yet; areas whose map is in flight
 * (pages NULL) are not mappings yet and are left to the domain-leaf part.
 */
import type { InvariantFactory } from './types.js';
import { V2_13_16 } from './types.js';
import { hwptName, inSession, isPreserved, mappedAreas, memfdOfPfn } from '../model/iommufd/state/predicates.js';

const make: InvariantFactory = () => ({
  id: 'backing-preserved',
  title: 'Every page a preserved HWPT maps is a preserved memfd folio',
  kind: 'state',
  source: `the commit text of ${V2_13_16}; torvalds/linux mm/memfd_luo.c`,
  statement:
    'For every preserved HWPT: each mapped area of its IOAS comes from a memfd in the session, and every pfn ' +
    'in its domain belongs to a memfd whose folios memfd_luo pinned and KHO-marked.',
  check: (s) => {
    for (let h = 0; h < s.hwpts.length; h++) {
      if (!isPreserved(s, h)) continue;
      const x = s.hwpts[h]!;
      for (const area of mappedAreas(s.ioas[x.ioas]!)) {
        if (!inSession(s, area.memfd)) return `${hwptName(h)} is preserved but its IOAS maps memfd${area.memfd + 1} at iova ${area.iova}, which is not in the session`;
      }
      for (const pfn of x.domain.leaves) {
        if (pfn >= 0 && !s.memfds[memfdOfPfn(pfn)]!.preserved) return `${hwptName(h)}'s preserved domain maps a page of memfd${memfdOfPfn(pfn) + 1}, which is not KHO-preserved`;
      }
    }
    return null;
  },
  witness: {
    title: 'a HWPT is preserved with at least one mapping',
    reached: (_p, _a, s) => s.hwpts.some((h, i) => isPreserved(s, i) && h.domain.leaves.some((pfn) => pfn >= 0)),
  },
});
export default make;

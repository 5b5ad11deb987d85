/**
 * immutable-iff-preserved: an IOAS is immutable exactly
 * while a HWPT on it is preserved; with immutability=refcount the count
 * equals the number of such HWPTs.
 *
 * Refined: the predicate as first stated fires on a correct kernel, because
 * iommufd_preserve_hwpt flips the IOAS immutable *before* the HWPT's domain
 * is preserved (it must, to stop maps while the pages are checked). So the
 * HWPT in flight (between ioas_set_immutable and P3e or its err path) counts
 * as holding a share when it took one. Every model step ends at a lock
 * release, so "at lock-release points" is every state.
 */
import type { InvariantFactory } from './types.js';
import { SEED_003 } from './types.js';
import { immutabilitySharers, ioasName, preservedOn } from '../model/iommufd/state/predicates.js';

const make: InvariantFactory = (sw) => ({
  id: 'immutable-iff-preserved',
  title: 'An IOAS is immutable exactly while a HWPT on it is preserved (or being preserved)',
  kind: 'state',
  source: SEED_003,
  statement:
    'For every IOAS: liveupdate_immutable is set iff some HWPT on it is liveupdate_preserved or is inside ' +
    'iommufd_preserve_hwpt having made it immutable; with refcount, immutable_cnt equals that number.',
  check: (s) => {
    for (let i = 0; i < s.ioas.length; i++) {
      const want = immutabilitySharers(s, i);
      const have = s.ioas[i]!.immutable;
      const ok = sw.immutability === 'flag' ? have > 0 === want > 0 : have === want;
      if (!ok) return `${ioasName(i)} has immutable = ${have} while ${want} HWPT(s) on it are preserved or being preserved`;
    }
    return null;
  },
  witness: {
    title: 'the unwind of a failed preserve has released one HWPT of an IOAS while another HWPT on it is still preserved',
    reached: (_p, _a, s) => {
      for (const t of s.threads) if (t.pc === 'UNPRESERVE' && t.cur >= 0 && preservedOn(s, s.hwpts[t.cur]!.ioas) > 0) return true;
      return false;
    },
  },
});
export default make;

/**
 * preserve-error-restores-ioas: when iommufd_preserve_hwpt(h)
 * fails, its err path leaves the IOAS as if h had never been tried: immutable
 * iff another HWPT on it is preserved (refcount: the count of those).
 *
 * Refined: stated first as "immutable = pre ∨ ∃ other preserved h'". The
 * value `pre` (immutable before the call) is not kept in the state, and on a
 * kernel where immutable-iff-preserved held before the call it equals
 * "∃ other preserved h'" (lu_mutex serializes every writer of the flag), so
 * the check compares with the other preserved HWPTs alone.
 */
import type { InvariantFactory } from './types.js';
import { SEED_003 } from './types.js';
import { ioasName, preservedOn } from '../model/iommufd/state/predicates.js';

const make: InvariantFactory = (sw) => ({
  id: 'preserve-error-restores-ioas',
  title: "A failed iommufd_preserve_hwpt gives back exactly its own share of the IOAS's immutability",
  kind: 'step',
  source: SEED_003,
  statement:
    'After the err path of iommufd_preserve_hwpt(h): the IOAS of h is immutable iff another HWPT on it is ' +
    'preserved (flag), or its immutable_cnt equals the number of those (refcount).',
  check: (prev, a, next) => {
    if (a.type !== 'iommufd_liveupdate_preserve' || a.step !== 'P3c_err') return null;
    const h = prev.threads[a.pid]!.cur;
    const ioas = prev.hwpts[h]!.ioas;
    const others = preservedOn(next, ioas, h);
    const have = next.ioas[ioas]!.immutable;
    const ok = sw.immutability === 'flag' ? have > 0 === others > 0 : have === others;
    return ok ? null : `the err path for hwpt${h + 1} left ${ioasName(ioas)} immutable = ${have} with ${others} other preserved HWPT(s) on it`;
  },
  witness: {
    title: 'iommufd_preserve_hwpt failed on an IOAS that another, preserved HWPT shares',
    reached: (prev, a, next) =>
      prev !== undefined && a?.type === 'iommufd_liveupdate_preserve' && a.step === 'P3c_err' &&
      preservedOn(next, prev.hwpts[prev.threads[a.pid]!.cur]!.ioas) > 0,
  },
});
export default make;

/**
 * seal-check-live: when every area of the IOAS is backed by a
 * memfd that is sealed SEAL|GROW|SHRINK *now* and is in the session, the
 * page check does not fail.
 *
 * Refined: first stated as a progress property ("preserve does not
 * fail -EINVAL"). As a step property on check_iopt_pages_preserved it says
 * the same thing at the moment the check decides, needs no record of past
 * errors in the state, and the counterexample ends at the wrong rejection.
 */
import type { InvariantFactory } from './types.js';
import { SEED_003 } from './types.js';
import { folioOfPfn, ioasName, mappedAreas } from '../model/iommufd/state/predicates.js';
import { F_SEAL_GROW, F_SEAL_SEAL, F_SEAL_SHRINK, type State } from '../model/iommufd/state/types.js';

const SEALED = F_SEAL_SEAL | F_SEAL_GROW | F_SEAL_SHRINK;

/**
 * The memfds behind the IOAS are fit for preservation as they are now:
 * sealed SEAL|GROW|SHRINK now, in the session, and each pinned folio still
 * the file's page at its index (what memfd_luo preserves). Read from the
 * state, not from the page check under test.
 */
function fitNow(s: State, ioas: number): boolean {
  return mappedAreas(s.ioas[ioas]!).every((x) => {
    const m = s.memfds[x.memfd]!;
    const inSession = s.session.files.some((f) => f.file === x.memfd);
    const stillThere = x.pfn < 0 || (x.page < m.size && m.cache[x.page] === folioOfPfn(x.pfn));
    return (m.seals & SEALED) === SEALED && inSession && stillThere;
  });
}

const make: InvariantFactory = () => ({
  id: 'seal-check-live',
  title: 'The preserve page check rejects only memfds that are not sealed or not preserved now',
  kind: 'step',
  source: SEED_003,
  statement:
    'If every mapped area of the IOAS is FILE-backed by a memfd whose current seals include SEAL, GROW and ' +
    'SHRINK, that is in the session, and whose page at the area\'s index is still the folio iommufd pinned, ' +
    'check_iopt_pages_preserved passes.',
  check: (prev, a, next) => {
    if (a.type !== 'iommufd_liveupdate_preserve' || a.step !== 'P3c_check') return null;
    if (next.threads[a.pid]!.pc !== 'P3c_err') return null;
    const ioas = prev.hwpts[prev.threads[a.pid]!.cur]!.ioas;
    if (!fitNow(prev, ioas)) return null;
    return `check_iopt_pages_preserved rejected ${ioasName(ioas)} (-EINVAL) although every memfd behind it is sealed and in the session: it read seals cached at map time`;
  },
  witness: {
    title: 'the page check passed on an area whose memfd was sealed after IOAS_MAP_FILE',
    reached: (prev, a, next) => {
      if (prev === undefined || a?.type !== 'iommufd_liveupdate_preserve' || a.step !== 'P3c_check') return false;
      if (next.threads[a.pid]!.pc !== 'P3c_domain') return false;
      const ioas = prev.hwpts[prev.threads[a.pid]!.cur]!.ioas;
      return mappedAreas(prev.ioas[ioas]!).some((x) => x.seals !== prev.memfds[x.memfd]!.seals);
    },
  },
});
export default make;

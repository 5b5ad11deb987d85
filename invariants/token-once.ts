/**
 * token-once: the tokens of marked HWPTs are unique in the
 * iommufd context (MARK_PRESERVE gives -EADDRINUSE), the tokens of a
 * session's files are unique (PRESERVE_FD gives -EEXIST), and in the new
 * kernel every blob entry is reclaimed at most once.
 *
 * Refined: "reclaimed only false -> true" is a property of steps; as a state
 * property it reads: no two HWPTs (live or destroyed) ever wrapped the same
 * restored domain, and every reclaimed entry is wrapped by exactly one. A
 * repeated RETRIEVE_SESSION (-EINVAL) or RETRIEVE_FD (the same file, nothing
 * changes) cannot change the state, so "retrieved at most once" holds by
 * construction of the state (a bit per file).
 */
import type { InvariantFactory } from './types.js';
import { V2_SERIES } from './types.js';
import { markedTokenInUse, tokenInSession } from '../model/iommufd/state/predicates.js';
import type { HwptPaging, State } from '../model/iommufd/state/types.js';

/** Some HWPT was handed the restored domain of hwpt h+1. */
function wrapped(s: State, h: number): boolean {
  return s.hwpts.some((x) => x.restored === h);
}

/** The first key, among the elements `take` keeps, that an earlier kept element has too (checked on every state: no arrays built). */
function duplicate<T>(xs: readonly T[], take: (x: T) => boolean, key: (x: T) => number): number | undefined {
  for (let i = 0; i < xs.length; i++) {
    if (!take(xs[i]!)) continue;
    for (let j = 0; j < i; j++) if (take(xs[j]!) && key(xs[j]!) === key(xs[i]!)) return key(xs[i]!);
  }
  return undefined;
}

const markedLive = (h: HwptPaging): boolean => h.alive && h.marked;
const wrapsRestored = (h: HwptPaging): boolean => h.restored >= 0;
const any = (): boolean => true;
const tokenOf = (x: { readonly token: number }): number => x.token;
const restoredOf = (h: HwptPaging): number => h.restored;

const make: InvariantFactory = () => ({
  id: 'token-once',
  title: 'Live-update tokens are unique: among marked HWPTs, and among the files of a session',
  kind: 'state',
  source: `torvalds/linux kernel/liveupdate/luo_file.c (-EEXIST, retrieve once); IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE (-EADDRINUSE) in patch 12/16 of ${V2_SERIES}; samikhawaja/linux RFC iommufd_hwpt_lu_restore (reclaimed)`,
  statement:
    'No two marked live HWPTs share a token; no two files of the session share a token; no blob entry is reclaimed ' +
    'twice (no two HWPTs wrap one restored domain) and a reclaimed entry was handed to exactly one HWPT.',
  check: (s) => {
    const hw = duplicate(s.hwpts, markedLive, tokenOf);
    if (hw !== undefined) return `two marked HWPTs share token ${hw}`;
    const f = duplicate(s.session.files, any, tokenOf);
    if (f !== undefined) return `two preserved files share token ${f}`;
    const w = duplicate(s.hwpts, wrapsRestored, restoredOf);
    if (w !== undefined) return `two HWPTs were handed the restored domain of hwpt${w + 1}: a blob entry was reclaimed twice`;
    for (let i = 0; i < s.blob.slots.length; i++) {
      if (!(s.blob.reclaimed & (1 << i))) continue;
      const h = s.blob.slots[i]!.domain - 1;
      if (!wrapped(s, h)) return `hwpt_array[${i}] is marked reclaimed but no HWPT took its domain`;
    }
    return null;
  },
  witness: {
    title: 'a MARK_PRESERVE or PRESERVE_FD with a token already in use was refused',
    reached: (prev, a) => {
      if (prev === undefined || a === undefined) return false;
      if (a.type === 'iommufd_hwpt_liveupdate_mark_preserve') return markedTokenInUse(prev, a.op.token);
      const first = a.type === 'memfd_luo_preserve' || a.type === 'iommu_preserve_device' || (a.type === 'iommufd_liveupdate_preserve' && a.step === 'P0');
      return first && a.op.op === 'preserve_fd' && tokenInSession(prev, a.op.token);
    },
  },
});
export default make;

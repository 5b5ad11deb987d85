/**
 * token-once (DOMAIN.md 4.14), the part that applies before kexec: the
 * tokens of marked HWPTs are unique in the iommufd context (MARK_PRESERVE
 * gives -EADDRINUSE), and the tokens of a session's files are unique
 * (PRESERVE_FD gives -EEXIST). The reclaimed and retrieve-once parts belong
 * to the new kernel.
 */
import type { InvariantFactory } from './types.js';
import { markedTokenInUse } from '../model/iommufd/predicates.js';
import { tokenInSession } from '../model/iommufd/luo.js';

function duplicate(xs: readonly number[]): number | undefined {
  return xs.find((x, i) => xs.indexOf(x) !== i);
}

const make: InvariantFactory = () => ({
  id: 'token-once',
  title: 'Live-update tokens are unique: among marked HWPTs, and among the files of a session',
  kind: 'state',
  source: 'kernel/liveupdate/luo_file.c (-EEXIST); v2 12/16 IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE (-EADDRINUSE)',
  statement: 'No two marked live HWPTs share a token; no two files of the session share a token.',
  check: (s) => {
    const hw = duplicate(s.hwpts.filter((h) => h.alive && h.marked).map((h) => h.token));
    if (hw !== undefined) return `two marked HWPTs share token ${hw}`;
    const f = duplicate(s.session.files.map((x) => x.token));
    if (f !== undefined) return `two preserved files share token ${f}`;
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

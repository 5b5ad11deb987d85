/**
 * finish-atomic: SESSION_FINISH asks every file's
 * can_finish first; if any says no, FINISH fails and changes nothing, and
 * userspace may retry it later.
 *
 * Refined: "changes nothing" compares the whole state; the model keeps a
 * refused FINISH in the VMM's menu (a retry is the same step again).
 */
import type { InvariantFactory } from './types.js';

const make: InvariantFactory = () => ({
  id: 'finish-atomic',
  title: 'A FINISH refused by a can_finish changes nothing and can be retried',
  kind: 'step',
  source: 'kernel/liveupdate/luo_file.c (luo_file_can_finish before any finish; torvalds/linux)',
  statement: 'When SESSION_FINISH fails because a file cannot finish yet, the state after it equals the state before it.',
  check: (prev, a, next) => {
    if (a.type !== 'luo_session_finish' || a.op.op !== 'finish' || !next.session.open) return null;
    if (JSON.stringify(prev) === JSON.stringify(next)) return null;
    return 'SESSION_FINISH failed but changed state: a file was finished before every can_finish was asked';
  },
  witness: {
    title: 'SESSION_FINISH was refused by a can_finish and changed nothing',
    reached: (p, a, s) => p !== undefined && a?.type === 'luo_session_finish' && a.op.op === 'finish' && p.nk.retrieved && p.session.open && s.session.open,
  },
});
export default make;

/**
 * The close of the outgoing session fd (cancel): every preserved file's
 * unpreserve callback, last file first, one step each, under the session
 * mutex (the iommufd's runs through iommufd_liveupdate_unpreserve). The menu
 * op close_session is defined here; in the new kernel luo_session_finish
 * serves it.
 */
import { lastFile, luoSessionRelease, releaseEnabled } from '../../kernel/luo_session.js';
import { sessionBusy } from '../../state/process.js';
import { fileText } from '../../render/names.js';
import type { ActionOf, Defined } from '../../entry-point.js';

type A = ActionOf<'luo_session_release'>;

export const luoSessionReleaseEntry = {
  type: 'luo_session_release',
  source: 'kernel/liveupdate/luo_session.c: luo_session_release',
  defines: [{ name: 'close_session', doc: 'close the session fd (old kernel: unpreserve every file; new kernel: cancel without FINISH)', fields: {}, kernels: ['old', 'new'] }],
  serves: [{ op: 'close_session', kernel: 'old' }],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: { CLOSE: ['session'] },
  steps: undefined,
  first: (_ctx, s, pid, idx, op): A[] => (sessionBusy(s) || !releaseEnabled(s) ? [] : [{ pid, idx, type: 'luo_session_release', op, file: lastFile(s) }]),
  resume: (_ctx, s, pid, t, op): A[] => (releaseEnabled(s) ? [{ pid, idx: t.op, type: 'luo_session_release', op, file: lastFile(s) }] : []),
  effect: (_ctx, s, a) => luoSessionRelease(s, a),
  label: (x) => (x.file >= 0 ? `close session fd: unpreserve ${fileText(x.file)}` : 'close session fd: session gone'),
  kselftest: (ctx, a, s, k) => (s.threads[a.pid]?.op === -1 ? k.issue(ctx, s, a, a.op, k.call.close(), 'closing the session fd unpreserves its files, last first') : k.inside('the close of the session fd')),
} satisfies Defined<A>;

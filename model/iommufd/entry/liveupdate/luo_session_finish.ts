/**
 * LIVEUPDATE_SESSION_FINISH in the new kernel, and the close of the incoming
 * session fd without it (cancel): one step each (finish.ts).
 */
import { luoSessionFinish } from '../../kernel/finish.js';
import type { ActionOf, Defined } from '../../entry-point.js';
import { sessionReady } from '../common.js';

type A = ActionOf<'luo_session_finish'>;

export const luoSessionFinishEntry = {
  type: 'luo_session_finish',
  source: 'kernel/liveupdate/luo_session.c: luo_session_finish',
  defines: [{ name: 'finish', doc: 'LIVEUPDATE_SESSION_FINISH of the incoming session', fields: {}, kernels: ['new'] }],
  serves: [{ op: 'finish', kernel: 'new' }, { op: 'close_session', kernel: 'new' }],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, s, pid, idx, op): A[] => (sessionReady(s) ? [{ pid, idx, type: 'luo_session_finish', op }] : []),
  effect: (ctx, s, a) => luoSessionFinish(ctx, s, a),
  label: (x) => (x.op.op === 'finish' ? 'SESSION_FINISH' : 'close the incoming session fd (cancel)'),
  kselftest: (ctx, a, s, k) => (a.op.op === 'finish' ? k.issue(ctx, s, a, a.op, k.call.finish(), 'LIVEUPDATE_SESSION_FINISH') : k.issue(ctx, s, a, a.op, k.call.close(), 'closing the incoming session fd without FINISH')),
} satisfies Defined<A>;

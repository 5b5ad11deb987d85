/** LIVEUPDATE_IOCTL_RETRIEVE_SESSION in the new kernel: once; a second one is -EINVAL. */
import { luoSessionRetrieve } from '../../kernel/luo_incoming.js';
import type { ActionOf, Defined } from '../../entry-point.js';

type A = ActionOf<'luo_session_retrieve'>;

export const luoSessionRetrieveEntry = {
  type: 'luo_session_retrieve',
  source: 'kernel/liveupdate/luo_session.c: luo_session_retrieve',
  defines: [{ name: 'retrieve_session', doc: 'LIVEUPDATE_IOCTL_RETRIEVE_SESSION of the session the old kernel preserved', fields: {}, kernels: ['new'] }],
  serves: [{ op: 'retrieve_session', kernel: 'new' }],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, _s, pid, idx, op): A[] => [{ pid, idx, type: 'luo_session_retrieve', op }],
  effect: (_ctx, s, a) => luoSessionRetrieve(s, a),
  label: () => 'RETRIEVE_SESSION',
  kselftest: (ctx, a, s, k) => k.issue(ctx, s, a, a.op, k.call.retrieveSession(), `LIVEUPDATE_IOCTL_RETRIEVE_SESSION "${k.session}"`),
} satisfies Defined<A>;

/** F_ADD_SEALS on a memfd (fcntl): one step; in the new kernel on a retrieved memfd (it comes back unsealed). */
import { memfdAddSeals } from '../../kernel/memfd.js';
import { mf, sealsText } from '../../render/names.js';
import type { ActionOf, Defined } from '../../entry-point.js';
import { inNewKernel, sessionReady } from '../common.js';

type A = ActionOf<'memfd_add_seals'>;

export const memfdAddSealsEntry = {
  type: 'memfd_add_seals',
  source: 'mm/memfd.c: memfd_add_seals',
  defines: [{ name: 'add_seals', doc: 'F_ADD_SEALS of seal mask `seals` (SEAL 1, SHRINK 2, GROW 4, WRITE 8) on memfd `memfd`', fields: { memfd: { kind: 'memfd' }, seals: { kind: 'int', min: 1, max: 15 } }, kernels: ['old', 'new'] }],
  serves: [{ op: 'add_seals', kernel: 'old' }, { op: 'add_seals', kernel: 'new' }],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, s, pid, idx, op): A[] => (inNewKernel(s) && !(sessionReady(s) && s.memfds[op.memfd]!.retrieved) ? [] : [{ pid, idx, type: 'memfd_add_seals', op }]),
  effect: (_ctx, s, a) => memfdAddSeals(s, a),
  label: (a) => `F_ADD_SEALS ${mf(a.op.memfd)} ${sealsText(a.op.seals)}`,
  kselftest: (ctx, a, s, k) => k.issue(ctx, s, a, a.op, k.call.addSeals(a.op.memfd, a.op.seals), 'F_ADD_SEALS (memfd_add_seals)'),
} satisfies Defined<A>;

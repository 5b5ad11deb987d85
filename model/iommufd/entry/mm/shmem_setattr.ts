/** ftruncate of a memfd (shmem_setattr): one step; in the new kernel on a retrieved memfd. */
import { shmemSetattr } from '../../kernel/memfd.js';
import { mf } from '../../render/names.js';
import { MAX_PAGES } from '../../scopes/scope-common.js';
import type { ActionOf, Defined } from '../../entry-point.js';
import { inNewKernel, sessionReady } from '../common.js';

type A = ActionOf<'shmem_setattr'>;

export const shmemSetattrEntry = {
  type: 'shmem_setattr',
  source: 'mm/shmem.c: shmem_setattr',
  defines: [{ name: 'ftruncate', doc: 'ftruncate of memfd `memfd` to `size` pages', fields: { memfd: { kind: 'memfd' }, size: { kind: 'int', min: 0, max: MAX_PAGES } }, kernels: ['old', 'new'] }],
  serves: [{ op: 'ftruncate', kernel: 'old' }, { op: 'ftruncate', kernel: 'new' }],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, s, pid, idx, op): A[] => (inNewKernel(s) && !(sessionReady(s) && s.memfds[op.memfd]!.retrieved) ? [] : [{ pid, idx, type: 'shmem_setattr', op }]),
  effect: (_ctx, s, a) => shmemSetattr(s, a),
  label: (a) => `ftruncate ${mf(a.op.memfd)} to ${a.op.size} page${a.op.size === 1 ? '' : 's'}`,
  kselftest: (ctx, a, s, k) => k.issue(ctx, s, a, a.op, k.call.ftruncate(a.op.memfd, a.op.size), 'ftruncate (shmem_setattr)'),
} satisfies Defined<A>;

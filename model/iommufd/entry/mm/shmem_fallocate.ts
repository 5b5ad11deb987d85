/** fallocate of one memfd page, or FALLOC_FL_PUNCH_HOLE|KEEP_SIZE of it (shmem_fallocate): one step; in the new kernel on a retrieved memfd. */
import { shmemFallocate } from '../../kernel/memfd.js';
import { mf } from '../../render/names.js';
import type { ActionOf, Defined } from '../../entry-point.js';
import { inNewKernel, sessionReady } from '../common.js';

type A = ActionOf<'shmem_fallocate'>;

export const shmemFallocateEntry = {
  type: 'shmem_fallocate',
  source: 'mm/shmem.c: shmem_fallocate',
  defines: [{
    name: 'fallocate',
    doc: 'fallocate of page `page` of memfd `memfd` (mode 0), or with `punch` FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE',
    fields: { memfd: { kind: 'memfd' }, page: { kind: 'page' }, punch: { kind: 'bool', optional: true } },
    kernels: ['old', 'new'],
  }],
  serves: [{ op: 'fallocate', kernel: 'old' }, { op: 'fallocate', kernel: 'new' }],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, s, pid, idx, op): A[] => (inNewKernel(s) && !(sessionReady(s) && s.memfds[op.memfd]!.retrieved) ? [] : [{ pid, idx, type: 'shmem_fallocate', op }]),
  effect: (_ctx, s, a) => shmemFallocate(s, a),
  label: (a) => `fallocate ${mf(a.op.memfd)} page ${a.op.page}${a.op.punch ? ' PUNCH_HOLE|KEEP_SIZE' : ''}`,
  kselftest: (ctx, a, s, k) => k.issue(ctx, s, a, a.op, k.call.fallocate(a.op.memfd, a.op.page, a.op.punch), 'fallocate (shmem_fallocate)'),
} satisfies Defined<A>;

/**
 * LIVEUPDATE_SESSION_PRESERVE_FD of a memfd (the memfd LUO handler): one
 * step under the session mutex. The menu op PRESERVE_FD itself (a LUO file
 * and its token) is defined here; LUO hands it to the handler of the file's
 * kind (this one, iommu_preserve_device, iommufd_liveupdate_preserve).
 */
import { memfdLuoPreserve } from '../../kernel/memfd.js';
import { sessionBusy } from '../../state/process.js';
import { fileRefText } from '../../render/names.js';
import type { ActionOf, Defined } from '../../entry-point.js';

type A = ActionOf<'memfd_luo_preserve'>;

export const memfdLuoPreserveEntry = {
  type: 'memfd_luo_preserve',
  source: 'mm/memfd_luo.c: memfd_luo_preserve',
  defines: [{ name: 'preserve_fd', doc: 'LIVEUPDATE_SESSION_PRESERVE_FD of LUO file `file` (memfd, iommufd or cdev) with token `token`', fields: { file: { kind: 'file' }, token: { kind: 'token' } }, kernels: ['old'] }],
  serves: [{ op: 'preserve_fd', kernel: 'old' }],
  accepts: (op) => op.file.kind === 'memfd',
  then: undefined,
  system: undefined,
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, s, pid, idx, op): A[] => (sessionBusy(s) ? [] : [{ pid, idx, op, type: 'memfd_luo_preserve' }]),
  effect: (_ctx, s, a) => memfdLuoPreserve(s, a),
  label: (x) => `PRESERVE_FD ${fileRefText(x.op.file)} token ${x.op.token} (memfd_luo_preserve)`,
  kselftest: (ctx, a, s, k) => k.issue(ctx, s, a, a.op, k.call.preserveFd(a.op.file, a.op.token), `LIVEUPDATE_SESSION_PRESERVE_FD (${a.type})`),
} satisfies Defined<A>;

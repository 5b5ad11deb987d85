/** LIVEUPDATE_SESSION_RETRIEVE_FD in the new kernel, with the file handler's retrieve (memfd, iommufd, VFIO cdev). */
import { luoRetrieveFile } from '../../kernel/luo_incoming.js';
import { fileRefText } from '../../render/names.js';
import type { ActionOf, Defined } from '../../entry-point.js';
import { sessionReady } from '../common.js';

type A = ActionOf<'luo_retrieve_file'>;

export const luoRetrieveFileEntry = {
  type: 'luo_retrieve_file',
  source: 'kernel/liveupdate/luo_file.c: luo_retrieve_file',
  defines: [{ name: 'retrieve_fd', doc: 'LIVEUPDATE_SESSION_RETRIEVE_FD of LUO file `file` (by the token it was preserved with)', fields: { file: { kind: 'file' } }, kernels: ['new'] }],
  serves: [{ op: 'retrieve_fd', kernel: 'new' }],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, s, pid, idx, op): A[] => (sessionReady(s) ? [{ pid, idx, type: 'luo_retrieve_file', op }] : []),
  effect: (ctx, s, a) => luoRetrieveFile(ctx, s, a),
  label: (x) => `RETRIEVE_FD ${fileRefText(x.op.file)}`,
  kselftest(ctx, a, s, k) {
    const token = k.tokenOf(s, a.op.file);
    if (token === undefined) return { needs: `the token of ${k.fileC(a.op.file)}, which is not in the session` };
    return k.issue(ctx, s, a, a.op, k.call.retrieveFd(a.op.file, token), `LIVEUPDATE_SESSION_RETRIEVE_FD token ${token}`);
  },
} satisfies Defined<A>;

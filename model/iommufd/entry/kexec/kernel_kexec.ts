/** The jump, once reboot(KEXEC) froze every file: sessions and KHO handed over, device_shutdown, the hardware keeps its context entries. */
import { kernelKexec, toFreeze } from '../../kernel/kexec.js';
import type { ActionOf, Defined } from '../../entry-point.js';
import { KEXEC_OP, rebootRuns } from '../common.js';

type A = ActionOf<'kernel_kexec'>;

export const kernelKexecEntry = {
  type: 'kernel_kexec',
  source: 'kernel/kexec_core.c: kernel_kexec',
  defines: [],
  serves: [],
  accepts: undefined,
  then: undefined,
  system: { process: 'reboot', inMenu: () => true },
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, s): A[] => (toFreeze(s) === 0 && rebootRuns(s) ? [{ pid: -1, idx: -1, op: KEXEC_OP, type: 'kernel_kexec' }] : []),
  effect: (_ctx, s) => kernelKexec(s),
  label: () => 'kexec: sessions and KHO handed over, device_shutdown, jump (hardware keeps its context entries)',
  kselftest: (_ctx, a, _s, k) => k.kexecStep(a),
} satisfies Defined<A>;

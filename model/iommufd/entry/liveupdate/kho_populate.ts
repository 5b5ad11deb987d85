/** B1 of the new kernel's boot: KHO reserves the marked pages; every other page is free RAM. */
import { khoPopulate } from '../../kernel/boot.js';
import type { ActionOf, Defined } from '../../entry-point.js';
import { bootStage, KEXEC_OP } from '../common.js';

type A = ActionOf<'kho_populate'>;

export const khoPopulateEntry = {
  type: 'kho_populate',
  source: 'kernel/liveupdate/kexec_handover.c: kho_populate',
  defines: [],
  serves: [],
  accepts: undefined,
  then: undefined,
  system: { process: 'boot', inMenu: () => true },
  pcs: {},
  steps: undefined,
  resume: undefined,
  first: (_ctx, s): A[] => (bootStage(s) === 0 ? [{ pid: -1, idx: -1, op: KEXEC_OP, type: 'kho_populate' }] : []),
  effect: (_ctx, s) => khoPopulate(s),
  label: () => 'B1 kho_populate: KHO-marked pages reserved, the rest is free RAM',
  kselftest: (_ctx, a, _s, k) => k.kexecStep(a),
} satisfies Defined<A>;

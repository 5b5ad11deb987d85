/**
 * reboot(KEXEC) with live update: LUO freezes every preserved file in
 * PRESERVE_FD order, one step each; a freeze may fail when the scope injects
 * it (LUO unfreezes the files frozen and reboot returns the error), and
 * under groupPreserve=whole a cdev's freeze always fails while its
 * iommu_group is preserved in part.
 */
import { freezeRefusesGroup, liveupdateReboot, toFreeze } from '../../kernel/kexec.js';
import { menus } from '../../state/process.js';
import { fileText } from '../../render/names.js';
import type { ActionOf, Defined } from '../../entry-point.js';
import { KEXEC_OP, rebootRuns } from '../common.js';

type A = ActionOf<'liveupdate_reboot'>;

export const liveupdateRebootEntry = {
  type: 'liveupdate_reboot',
  source: 'kernel/liveupdate/luo_core.c: liveupdate_reboot',
  defines: [],
  serves: [],
  accepts: undefined,
  then: undefined,
  system: { process: 'reboot', inMenu: (scope) => scope.session.length > 0 || menus(scope).ops.flat().some((o) => o.op === 'preserve_fd') },
  pcs: {},
  steps: undefined,
  resume: undefined,
  first(ctx, s): A[] {
    if (toFreeze(s) === 0 || !rebootRuns(s)) return [];
    const ok: A = { pid: -1, idx: -1, op: KEXEC_OP, type: 'liveupdate_reboot', file: s.session.files[s.frozen]!.file, fail: false };
    if (freezeRefusesGroup(ctx, s, ok.file)) return [{ ...ok, fail: true }];
    return ctx.scope.failures.freeze ? [ok, { ...ok, fail: true }] : [ok];
  },
  effect: (_ctx, s, a) => liveupdateReboot(s, a),
  label: (x) => `reboot(KEXEC): freeze ${fileText(x.file)}${x.fail ? ': its freeze fails, LUO unfreezes the files frozen, reboot returns the error -> fails' : ''}`,
  kselftest: (_ctx, a, _s, k) => k.kexecStep(a),
} satisfies Defined<A>;

/**
 * LIVEUPDATE_SESSION_PRESERVE_FD of the iommufd: the iommufd LUO handler's
 * preserve, one step per critical section (P0 LUO's checks and lu_mutex,
 * P1 count the marked HWPTs, P2 kho_alloc_preserve, P3a..P3e one marked
 * HWPT each through iommufd_preserve_hwpt, P4 with the last P3a). A failing
 * step unwinds through iommufd_liveupdate_unpreserve. The scope's injected
 * failures double a fallible step: success first, then failure.
 */
import type { Ctx } from '../../entry-point.js';
import { iommufdLiveupdatePreserve, p3aNext, waitsForDomainsRwsem } from '../../kernel/liveupdate.js';
import { markedCount, nextMarked } from '../../kernel/main.js';
import { luMutexHeld, sessionBusy } from '../../state/process.js';
import { hw } from '../../render/names.js';
import type { PreserveStep, State, VmmThread } from '../../state/types.js';
import type { ActionOf, Defined, KselftestKit, KselftestStep } from '../../entry-point.js';

type A = ActionOf<'iommufd_liveupdate_preserve'>;

const LOCKS = ['lu_mutex', 'session'];
/** Between P3a (iommufd_lock_obj) and P3e the HWPT in hand carries the preserve's reference. */
const LOCKS_OBJ = [...LOCKS, 'lock_obj'];

const PRESERVE_TEXT = {
  P0: 'luo_preserve_file checks, lock lu_mutex',
  P1: 'count marked HWPTs under xa_lock',
  P2: 'kho_alloc_preserve(blob)',
  P3a: 'next marked HWPT: iommufd_lock_obj',
  P3c_imm: 'iommufd_preserve_hwpt: ioas_set_immutable(true)',
  P3c_check: 'iommufd_preserve_hwpt: check_iopt_pages_preserved',
  P3c_domain: 'iommufd_preserve_hwpt: iommu_domain_preserve',
  P3c_err: 'iommufd_preserve_hwpt err: restore IOAS, put_object',
  P3e: 'liveupdate_preserved = true',
} as const;

/** Whether the fallible call of this preserve step may fail in this scope. */
function mayFail(ctx: Ctx, s: State, t: VmmThread, step: PreserveStep): boolean {
  const f = ctx.scope.failures;
  const twoPass = ctx.sw.hwptCount === 'two-pass';
  if (step === 'P1') return f.lockObj && !twoPass && markedCount(s) > 0;
  if (step === 'P2') return f.khoAlloc;
  if (step === 'P3a') return f.lockObj && twoPass && nextMarked(s, t.cur) >= 0;
  if (step === 'P3c_domain') return f.domainPreserve;
  return false;
}

/**
 * The kernel function whose page allocation fails at a PRESERVE_FD step
 * that fails by injection, where fail_page_alloc can make it fail; steps
 * whose failure is not an allocation (iommufd_lock_obj on an object being
 * destroyed) have none.
 */
const ALLOCATES: Partial<Record<string, string>> = { P2: 'kho_alloc_preserve', P3c_domain: 'iommu_domain_preserve' };

function preserveStep(ctx: Ctx, s: State, a: A, k: KselftestKit): KselftestStep {
  const what = `the LIVEUPDATE_SESSION_PRESERVE_FD of the iommufd (token ${a.op.token})`;
  if (a.fail) {
    const func = ALLOCATES[a.step];
    if (func === undefined) return { needs: `fault injection to make this step's call fail (${a.step}): the kernel has no injection point for it`, comment: `inside ${what}` };
    return {
      comment: `inside ${what}; performed by code: fail_page_alloc, armed just before that call, fails the page allocation of ${func}`,
      globals: [k.failPageAlloc],
      includes: ['<stdio.h>', '<string.h>'],
      arm: [`if (luocheck_fail_page_alloc("${func}"))`, `\tSKIP(return, "cannot arm fail_page_alloc for ${func} (see luocheck_fail_page_alloc)");`],
    };
  }
  if (a.step === 'P0') return k.issue(ctx, s, a, a.op, k.call.preserveFd(a.op.file, a.op.token), `${what}: iommufd_liveupdate_preserve runs P0-P4 inside it`);
  return k.inside(what);
}

export const iommufdLiveupdatePreserveEntry = {
  type: 'iommufd_liveupdate_preserve',
  source: 'drivers/iommu/iommufd/liveupdate.c: iommufd_liveupdate_preserve',
  defines: [],
  serves: [{ op: 'preserve_fd', kernel: 'old' }],
  accepts: (op) => op.file.kind === 'iommufd',
  then: ['iommufd_liveupdate_unpreserve'],
  system: undefined,
  // OOPS: the thread whose kernel path oopsed (P2 under allocCheck=null) holds its locks forever.
  pcs: { P1: LOCKS, P2: LOCKS, P3a: LOCKS, P3c_imm: LOCKS_OBJ, P3c_check: LOCKS_OBJ, P3c_domain: LOCKS_OBJ, P3c_err: LOCKS_OBJ, P3e: LOCKS_OBJ, OOPS: LOCKS },
  steps: ['P0', 'P1', 'P2', 'P3a', 'P3c_imm', 'P3c_check', 'P3c_domain', 'P3c_err', 'P3e'],
  first: (_ctx, s, pid, idx, op): A[] => (sessionBusy(s) || luMutexHeld(s) ? [] : [{ pid, idx, op, type: 'iommufd_liveupdate_preserve', step: 'P0', fail: false, hwpt: -1 }]),
  resume(ctx, s, pid, t, op): A[] {
    if (t.pc === 'OOPS' || waitsForDomainsRwsem(ctx, s, t)) return [];
    const step = t.pc as PreserveStep;
    const hwpt = step === 'P3a' ? p3aNext(ctx, s, t) : step === 'P1' || step === 'P2' ? -1 : t.cur;
    const ok: A = { pid, idx: t.op, type: 'iommufd_liveupdate_preserve', op, step, fail: false, hwpt };
    return mayFail(ctx, s, t, step) ? [ok, { ...ok, fail: true }] : [ok];
  },
  effect: (ctx, s, a) => iommufdLiveupdatePreserve(ctx, s, a),
  label(x) {
    const fail = x.fail ? ' -> fails' : '';
    if (x.step === 'P0') return `iommufd_preserve P0: PRESERVE_FD iommufd token ${x.op.token}: ${PRESERVE_TEXT.P0}`;
    if (x.step === 'P3a' && x.hwpt < 0) return 'iommufd_preserve P4: no marked HWPT left, return blob';
    const on = x.hwpt >= 0 ? ` (${hw(x.hwpt)})` : '';
    return `iommufd_preserve ${x.step}: ${PRESERVE_TEXT[x.step]}${on}${fail}`;
  },
  kselftest: (ctx, a, s, k) => preserveStep(ctx, s, a, k),
} satisfies Defined<A>;

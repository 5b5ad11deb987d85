/**
 * --format kselftest on the iommufd model (model/iommufd/render/kselftest.ts): the
 * series' uapi by its own names in one #ifndef block, the scope's objects
 * built by a setup, each ioctl issued once at its first step with the
 * kernel's inner steps as comments, the racing DESTROY in a second thread
 * released right before the PRESERVE_FD it races, an injected allocation
 * failure armed through fail_page_alloc, the new kernel's steps in a second
 * TEST_F after the kexec, and C that gcc -fsyntax-only -Wall -Werror accepts
 * with the stub headers of the upstream shape for every known-bug case.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANUAL, planSteps, kselftestSteps } from '../../explorer/render/kselftest.js';
import type { ReportViolation } from '../../explorer/traces/report.js';
import { iommufdSpec, type Action, type IommufdModel } from '../../model/iommufd/index.js';
import { kselftestStep } from '../../model/iommufd/render/kselftest.js';
import { run } from './helpers.js';
import { code, flat, count, inOrder } from './c-text.js';

const hasGcc = spawnSync('gcc', ['--version']).status === 0;
/** Says in the test's own name that it did not run, where gcc is missing. */
const gccTest = (name: string) => (hasGcc ? name : `${name} [SKIPPED: no gcc on this machine]`);

function gccCheck(c: string): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'luocheck-iommufd-'));
  mkdirSync(join(dir, 'iommu'));
  const file = join(dir, 'iommu', 'luocheck_trace.c');
  writeFileSync(file, c);
  const r = spawnSync('gcc', ['-fsyntax-only', '-Wall', '-Werror', '-I', resolve('test/fixtures/kselftest/include'), file], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

const COUNT_RACE = ['--scope', 'count-race', '--variant', 'v2', '--format', 'kselftest'];

const caseArgs = (k: { scope: string; set: Record<string, string> }) => ['--scope', k.scope, '--variant', 'fixed', ...Object.entries(k.set).flatMap(([n, v]) => ['--set', `${n}=${v}`])];
const rendered = new Map<string, { code: number; out: string }>();
/** The --format kselftest run of a known-bug case (once per file). */
function renderCase(k: { id: string; scope: string; set: Record<string, string> }): { code: number; out: string } {
  if (!rendered.has(k.id)) rendered.set(k.id, run('check', ...caseArgs(k), '--format', 'kselftest'));
  return rendered.get(k.id)!;
}

describe('--format kselftest, iommufd count race (5.2, v2)', () => {
  const r = run('check', ...COUNT_RACE);
  const c = r.out;
  const body = code(c);
  const test = body.slice(body.indexOf('TEST_F('));

  it('carries the series uapi by its v2 names, once, in a block guarded by #ifndef on the ioctl', () => {
    expect(r.code).toBe(1);
    expect(c).toContain('#ifndef IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE\nstruct iommu_hwpt_liveupdate_mark_preserve {\n\t__u32 size;\n\t__u32 hwpt_id;\n\t__aligned_u64 hwpt_token;\n};\n#define IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE _IO(IOMMUFD_TYPE, 0x95)\n#endif');
    expect(count(c, '#ifndef IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE')).toBe(1);
    expect(c).toContain('20260427175633.1978233-1-skhawaja@google.com');
    expect(c).not.toContain('iommu_hwpt_lu_mark_preserve');
    expect(body).not.toMatch(/\.token = \d+ \};\n\t+ASSERT_EQ\(0, ioctl\(self->fd, IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE/);
  });

  it('builds the scope in the setup, then issues PRESERVE_FD once, at P0', () => {
    expect(c).toContain('TEST_F(luocheck_iommufd, blob_count_matches)');
    const setup = ['IOMMU_IOAS_ALLOC, &cmd', 'VFIO_DEVICE_BIND_IOMMUFD, &bind', 'IOMMU_HWPT_ALLOC, &cmd', 'IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE, &cmd', 'LIVEUPDATE_IOCTL_CREATE_SESSION, &cmd', 'LIVEUPDATE_SESSION_PRESERVE_FD, &cmd'];
    expect(inOrder(test, setup), JSON.stringify(setup.map((s) => test.indexOf(s)))).toBe(true);
    expect(count(body, 'IOMMU_HWPT_ALLOC, &cmd')).toBe(2);
    expect(count(body, 'IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE, &cmd')).toBe(2);
    expect(body).toContain('struct iommu_hwpt_liveupdate_mark_preserve cmd = { .size = sizeof(cmd), .hwpt_id = hwpt_id[1], .hwpt_token = 2 };');
    expect(count(body, 'LIVEUPDATE_SESSION_PRESERVE_FD')).toBe(1);
    expect(c).toMatch(/struct liveupdate_session_preserve_fd cmd = \{ \.size = sizeof\(cmd\), \.fd = self->fd, \.token = 1 \};\n\t\tASSERT_EQ\(1, write\(luocheck_T2_during_step1_arg\.go\[1\], "", 1\)\); \/\* T2: go \*\/\n\t\tASSERT_EQ\(0, ioctl\(session_fd, LIVEUPDATE_SESSION_PRESERVE_FD, &cmd\)\);/);
    expect(c).toMatch(/\* 1\. T1: iommufd_preserve P0: /);
  });

  it("performs both threads' ioctls: T2's DESTROY in a pthread released right before T1's PRESERVE_FD", () => {
    // The DESTROY is code once, in the thread function, after the thread's go byte.
    expect(count(body, 'ioctl(self->fd, IOMMU_DESTROY, &cmd)')).toBe(1);
    const fn = body.slice(body.indexOf('static void *luocheck_T2_during_step1(void *arg)'), body.indexOf('TEST_F('));
    expect(inOrder(fn, ['read(t->go[0], &go, 1)', 'struct iommu_destroy cmd = { .size = sizeof(cmd), .id = hwpt_id[1] };', 'ASSERT_EQ(0, ioctl(self->fd, IOMMU_DESTROY, &cmd));'])).toBe(true);
    // T1 starts the thread, releases it right before its call, joins it after.
    expect(inOrder(test, ['pthread_create(&luocheck_T2_during_step1_thread, NULL, luocheck_T2_during_step1, &luocheck_T2_during_step1_arg)', 'write(luocheck_T2_during_step1_arg.go[1], "", 1)', 'ioctl(session_fd, LIVEUPDATE_SESSION_PRESERVE_FD, &cmd)', 'pthread_join(luocheck_T2_during_step1_thread, NULL)'])).toBe(true);
    expect(test).not.toContain('IOMMU_DESTROY');
    expect(flat(c)).toContain('9. T2: IOMMU_DESTROY hwpt2 (performed by code: in luocheck_T2_during_step1, a second thread released right before the call of step 1)');
  });

  it('says how the DESTROY must land between the count and the walk, and what userspace cannot force', () => {
    const head = flat(c.slice(c.indexOf('struct luocheck_thread {'), c.indexOf('static void *luocheck_T2_during_step1')));
    expect(head).toContain('The model needs step 9 after step 2 (2. T1: iommufd_preserve P1: count marked HWPTs under xa_lock), the deciding step of the race, and before step 10 (10. T1: iommufd_preserve P4: no marked HWPT left, return blob).');
    expect(head).toContain(`${MANUAL}: landing it between the kernel-internal steps named above needs the kernel's help`);
    for (const step of ['P1', 'P2', 'P3a', 'P3c_imm', 'P3c_check', 'P3c_domain', 'P3e', 'P4']) {
      expect(flat(c)).toMatch(new RegExp(`\\* \\d+\\. T1: iommufd_preserve ${step}: [^*]*\\(no userspace call: a step inside the kernel\\)`));
    }
  });

  it('plans 2 of its 10 steps as code (one in the second thread), 8 inside the PRESERVE_FD', () => {
    const model = iommufdSpec.build(iommufdSpec.scopes['count-race']!, iommufdSpec.presets['v2']!) as IommufdModel;
    const v = JSON.parse(run('check', '--scope', 'count-race', '--variant', 'v2', '--format', 'json').out).violations[0] as ReportViolation;
    const { plan } = planSteps(v, kselftestSteps(model, v));
    expect(plan.slice(1).map((p) => p.kind)).toEqual(['code', 'inside', 'inside', 'inside', 'inside', 'inside', 'inside', 'inside', 'thread', 'inside']);
  });

  it.skipIf(!hasGcc)(gccTest('is accepted by gcc -fsyntax-only -Wall -Werror with the stub headers, and a misspelt ioctl is not'), () => {
    const ok = gccCheck(c);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(gccCheck(c.replace('IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE, &cmd', 'IOMMU_HWPT_LIVEUPDATE_MARK_PRESERV, &cmd')).status).not.toBe(0);
    expect(gccCheck(c.replace('VFIO_DEVICE_BIND_IOMMUFD, &bind', 'VFIO_DEVICE_BIND_IOMMUFDX, &bind')).status).not.toBe(0);
    expect(gccCheck(c.replace('.hwpt_token = 2', '.token = 2')).status).not.toBe(0);
  });
});

describe('--format kselftest, every iommufd known-bug case', () => {
  it('issues MAP_FILE once at M1 and asserts the failure the model finds, saying what fixed returns (5.3 cached seals, v2)', () => {
    const c = run('check', '--scope', 'cached-seals', '--variant', 'v2', '--format', 'kselftest').out;
    const body = code(c);
    expect(count(body, 'IOMMU_IOAS_MAP_FILE, &cmd')).toBe(1);
    expect(flat(c)).toMatch(/\* 2\. T1: IOAS_MAP_FILE M2 [^*]*\(no userspace call/);
    expect(body).toContain('ASSERT_EQ(0, fcntl(memfd[0], F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW));');
    expect(body).toContain('ASSERT_EQ(0, fcntl(memfd[0], F_ADD_SEALS, F_SEAL_SEAL));');
    expect(body).toMatch(/\.fd = self->fd, \.token = 2 \};\n\t\tASSERT_NE\(0, ioctl\(session_fd, LIVEUPDATE_SESSION_PRESERVE_FD, &cmd\)\);/);
    expect(flat(c)).toContain('fails in the model when run alone here; with every switch as in fixed it returns 0');
  });

  it('arms fail_page_alloc for kho_alloc_preserve right before the PRESERVE_FD whose P2 fails, and expects the call to fail (5.12)', () => {
    const c = run('check', '--scope', 'alloc-failure', '--variant', 'fixed', '--set', 'allocCheck=null', '--format', 'kselftest').out;
    const body = code(c);
    expect(body).toContain('static int luocheck_fail_page_alloc(const char *func)');
    for (const knob of ['"task-filter", "Y"', '"times", "1"', '"ignore-gfp-wait", "N"', '"min-order", "0"', '/sys/kernel/debug/fail_page_alloc/require-start', '/sys/kernel/debug/fail_page_alloc/require-end', '/proc/self/make-it-fail', '/proc/kallsyms']) {
      expect(body).toContain(knob);
    }
    const test = body.slice(body.indexOf('TEST_F('));
    expect(inOrder(test, ['if (luocheck_fail_page_alloc("kho_alloc_preserve"))', 'SKIP(return, "cannot arm fail_page_alloc for kho_alloc_preserve', 'ASSERT_NE(0, ioctl(session_fd, LIVEUPDATE_SESSION_PRESERVE_FD, &cmd));'])).toBe(true);
    expect(flat(c)).toContain('3. T1: iommufd_preserve P2: kho_alloc_preserve(blob) -> fails (performed by code: armed right before the call of step 1)');
    expect(c).not.toContain(MANUAL + ': 3.');
  });

  it('splits a kexec case into a before_kexec and an after_kexec TEST_F, passing the session and the tokens through (5.8)', () => {
    const c = run('check', '--scope', 'adopt-unverified', '--variant', 'fixed', '--set', 'verify=trust', '--format', 'kselftest').out;
    const body = code(c);
    const before = body.slice(body.indexOf('TEST_F(luocheck_iommufd, rebuilt_equals_preserved_before_kexec)'), body.indexOf('TEST_F(luocheck_iommufd, rebuilt_equals_preserved_after_kexec)'));
    const after = body.slice(body.indexOf('TEST_F(luocheck_iommufd, rebuilt_equals_preserved_after_kexec)'));
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    // The first half preserves the memfd, the iommufd and the cdev by token, then a child holds the session until the kexec.
    expect(inOrder(before, ['.name = LUOCHECK_SESSION', '.fd = memfd[0], .token = 1', '.name = LUOCHECK_STAGE_SESSION', '.fd = self->fd, .token = 2', '.fd = cdev_fd[0], .token = 3', 'if (fork() == 0) {', 'pause();'])).toBe(true);
    expect(flat(c)).toMatch(new RegExp(`${MANUAL}: kexec into the new kernel now, as root [^*]*, then run rebuilt_equals_preserved_after_kexec\\.`));
    // The second half finds the marker, retrieves the session by the same name and the files by the same tokens, then rebuilds.
    expect(inOrder(after, ['.name = LUOCHECK_STAGE_SESSION', 'SKIP(return, "not after a kexec', '.name = LUOCHECK_SESSION };', 'LIVEUPDATE_IOCTL_RETRIEVE_SESSION, &cmd));', 'session_fd = cmd.fd;', '.token = 1 };', 'memfd[0] = cmd.fd;', '.token = 3 };', 'cdev_fd[0] = cmd.fd;', 'VFIO_DEVICE_BIND_IOMMUFD, &bind', 'IOMMU_IOAS_MAP_FILE, &cmd', 'IOMMU_HWPT_ALLOC, &cmd', 'hwpt_id[1] = cmd.out_hwpt_id;', 'VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd'])).toBe(true);
    expect(after).not.toContain('LIVEUPDATE_IOCTL_CREATE_SESSION');
    // The reboot and boot steps are the kernel's, in the second half's comments.
    const afterText = flat(c.slice(c.indexOf('TEST_F(luocheck_iommufd, rebuilt_equals_preserved_after_kexec)')));
    expect(afterText).toMatch(/\* 14\. reboot: kexec: [^*]*\(no userspace call: a step inside the kernel\) inside reboot\(KEXEC\)/);
    expect(afterText).toMatch(/\* 17\. boot: B3 iommu_probe_device [^*]*\(no userspace call: a step inside the kernel\) during the new kernel's boot/);
    expect(afterText).toContain('Here the model reaches the violation of rebuilt-equals-preserved');
  });

  it('keeps a case whose violation is in the boot a single test that ends with the kexec (sanitize)', () => {
    const c = run('check', '--scope', 'sanitize', '--variant', 'fixed', '--set', 'sanitize=none', '--format', 'kselftest').out;
    expect(count(c, 'TEST_F(')).toBe(1);
    expect(c).toContain('TEST_F(luocheck_iommufd, ctx_sanitized)');
    expect(inOrder(code(c), ['.fd = memfd[0], .token = 1', 'if (fork() == 0) {'])).toBe(true);
    expect(inOrder(flat(c), [`${MANUAL}: kexec into the new kernel now`, '1. reboot: reboot(KEXEC): freeze memfd1', 'Here the model reaches the violation of ctx-sanitized'])).toBe(true);
  });

  const cases = iommufdSpec.cases!.filter((x) => x.expect === 'violation');
  for (const k of cases) {
    it.skipIf(!hasGcc)(gccTest(`${k.id}: gcc -fsyntax-only -Wall -Werror accepts it`), () => {
      const r = renderCase(k);
      expect(r.code).toBe(1);
      const g = gccCheck(r.out);
      expect(g.stderr).toBe('');
      expect(g.status).toBe(0);
    });
  }

  it('maps every action type of every known-bug trace (no step asks for C the mapping lacks)', () => {
    for (const k of cases) {
      const c = renderCase(k).out;
      expect(flat(c), k.id).not.toContain('which the iommufd kselftest mapping does not have');
    }
  });
});

describe('the iommufd kselftest hook on actions it does not map', () => {
  const model = iommufdSpec.build(iommufdSpec.scopes['count-race']!, iommufdSpec.presets['fixed']!) as IommufdModel;
  const s = model.initStates()[0]!;

  it('is wired as the model hook and gives the same as kselftestStep', () => {
    const a = model.actions(s)[0]!;
    expect(model.kselftest).toBeTypeOf('function');
    expect(model.kselftest(a, s)).toEqual(kselftestStep(model.ctx, a, s));
  });

  it('makes a kexec step part of the first half (holding the session), and an unknown type a marked comment without code', () => {
    const kexec = { type: 'kernel_kexec', pid: -1, idx: -1, op: { op: 'kexec' } } as unknown as Action;
    const k = kselftestStep(model.ctx, kexec, s);
    expect(k.kernel).toBe('kexec');
    expect(k.needs).toBeUndefined();
    expect(k.code).toContain('if (fork() == 0) {');
    const odd = kselftestStep(model.ctx, { type: 'iommufd_something_new', pid: 0, idx: 0 } as unknown as Action, s);
    expect(odd.code).toBeUndefined();
    expect(odd.needs).toBe('C for the action type iommufd_something_new, which the iommufd kselftest mapping does not have');
  });

  it('makes a VMM step while reboot(KEXEC) freezes the files a marked comment (it races the reboot)', () => {
    const a = model.actions(s)[0]!;
    const frozen = { ...s, phase: 1 } as unknown as typeof s;
    const k = kselftestStep(model.ctx, a, frozen);
    expect(k.code).toBeUndefined();
    expect(k.needs).toMatch(/^a second thread racing reboot\(KEXEC\): iommufd_liveupdate_preserve runs while the reboot freezes/);
  });

  it('gives a failing step of a non-allocation (iommufd_lock_obj) no injection, as a marked comment', () => {
    const a = { type: 'iommufd_liveupdate_preserve', pid: 0, idx: 0, op: { op: 'preserve_fd', file: { kind: 'iommufd' }, token: 1 }, step: 'P3a', fail: true, hwpt: 0 } as unknown as Action;
    const k = kselftestStep(model.ctx, a, s);
    expect(k.arm).toBeUndefined();
    expect(k.needs).toMatch(/^fault injection to make this step's call fail \(P3a\): the kernel has no injection point for it/);
  });
});

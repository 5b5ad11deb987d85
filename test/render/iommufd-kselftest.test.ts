/**
 * --format kselftest on the iommufd model (model/iommufd/kselftest.ts): the
 * scope's objects built by a hoisted setup, each ioctl issued once at its
 * first step (PRESERVE_FD of the iommufd at P0, MAP_FILE at M1) with the
 * kernel's inner steps as comments, the second thread's step as a marked
 * comment, never code, and C that gcc -fsyntax-only accepts with the stub
 * headers in test/fixtures/kselftest for every known-bug case.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANUAL } from '../../explorer/render/kselftest.js';
import { iommufdSpec, type Action, type IommufdModel } from '../../model/iommufd/index.js';
import { kselftestStep } from '../../model/iommufd/kselftest.js';
import { run } from './helpers.js';

const hasGcc = spawnSync('gcc', ['--version']).status === 0;

function gccCheck(c: string): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'luocheck-iommufd-'));
  mkdirSync(join(dir, 'iommu'));
  const file = join(dir, 'iommu', 'luocheck_trace.c');
  writeFileSync(file, c);
  const r = spawnSync('gcc', ['-fsyntax-only', '-Wall', '-Werror=implicit-function-declaration', '-I', resolve('test/fixtures/kselftest/include'), file], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

/** The C without its comments: what the test would run. */
const code = (c: string) => c.replace(/\/\*[\s\S]*?\*\//g, '');
const count = (s: string, sub: string) => s.split(sub).length - 1;
const COUNT_RACE = ['--scope', 'count-race', '--variant', 'v2', '--format', 'kselftest'];

describe('--format kselftest, iommufd count race (5.2, v2)', () => {
  const r = run('check', ...COUNT_RACE);
  const c = r.out;
  const body = code(c);

  it('builds the scope in the setup, then issues PRESERVE_FD once, at P0', () => {
    expect(r.code).toBe(1);
    expect(c).toContain('TEST_F(luocheck_iommufd, blob_count_matches)');
    const setup = ['IOMMU_IOAS_ALLOC, &cmd', 'VFIO_DEVICE_BIND_IOMMUFD, &bind', 'IOMMU_HWPT_ALLOC, &cmd', 'IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE, &cmd', 'LIVEUPDATE_IOCTL_CREATE_SESSION, &cmd', 'LIVEUPDATE_SESSION_PRESERVE_FD, &cmd'];
    const at = setup.map((s) => body.indexOf(s));
    expect(at.every((x) => x > 0), JSON.stringify(at)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(count(body, 'IOMMU_HWPT_ALLOC, &cmd')).toBe(2);
    expect(count(body, 'IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE, &cmd')).toBe(2);
    expect(count(body, 'LIVEUPDATE_SESSION_PRESERVE_FD')).toBe(1);
    expect(body).toMatch(/struct liveupdate_session_preserve_fd cmd = \{ \.size = sizeof\(cmd\), \.fd = self->fd, \.token = 1 \};\n\t\tASSERT_EQ\(0, ioctl\(session_fd, LIVEUPDATE_SESSION_PRESERVE_FD, &cmd\)\);/);
    expect(c).toMatch(/\* 1\. T1: iommufd_preserve P0: /);
  });

  it('leaves P1-P4 as comments and the destroy of T2 as a marked comment, never code', () => {
    for (const step of ['P1', 'P2', 'P3a', 'P3c_imm', 'P3c_check', 'P3c_domain', 'P3e', 'P4']) {
      expect(c.replace(/\n\t \* /g, ' ')).toMatch(new RegExp(`\\* \\d+\\. T1: iommufd_preserve ${step}: [^*]*\\(no userspace call: a step inside the kernel\\)`));
    }
    expect(body).not.toContain('IOMMU_DESTROY');
    expect(c.replace(/\n\t \* /g, ' ')).toMatch(new RegExp(`${MANUAL}: 9\\. T2: IOMMU_DESTROY hwpt2 — needs a second thread \\(T2\\)`));
    expect(c).toContain('ASSERT_EQ(0, ioctl(self->fd, IOMMU_DESTROY, &cmd));');
  });

  it.skipIf(!hasGcc)('is accepted by gcc -fsyntax-only with the stub headers, and a misspelt ioctl is not', () => {
    const ok = gccCheck(c);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(gccCheck(c.replace('IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE, &cmd', 'IOMMU_HWPT_LIVEUPDATE_MARK_PRESERV, &cmd')).status).not.toBe(0);
    expect(gccCheck(c.replace('VFIO_DEVICE_BIND_IOMMUFD, &bind', 'VFIO_DEVICE_BIND_IOMMUFDX, &bind')).status).not.toBe(0);
  });
});

describe('--format kselftest, every iommufd known-bug case', () => {
  it('issues MAP_FILE once at M1 and asserts the failure the model finds, saying what fixed returns (5.3 cached seals, v2)', () => {
    const c = run('check', '--scope', 'cached-seals', '--variant', 'v2', '--format', 'kselftest').out;
    const body = code(c);
    expect(count(body, 'IOMMU_IOAS_MAP_FILE, &cmd')).toBe(1);
    expect(c.replace(/\n\t \* /g, ' ')).toMatch(/\* 2\. T1: IOAS_MAP_FILE M2 [^*]*\(no userspace call/);
    expect(body).toContain('ASSERT_EQ(0, fcntl(memfd[0], F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW));');
    expect(body).toMatch(/\.fd = self->fd, \.token = 2 \};\n\t\tASSERT_NE\(0, ioctl\(session_fd, LIVEUPDATE_SESSION_PRESERVE_FD, &cmd\)\);/);
    expect(c.replace(/\n\t \* /g, ' ')).toContain('fails in the model when run alone here; with every switch as in fixed it returns 0');
  });

  it('marks a step whose call fails by injection as needing fault injection (5.12)', () => {
    const c = run('check', '--scope', 'alloc-failure', '--variant', 'fixed', '--set', 'allocCheck=null', '--format', 'kselftest').out;
    expect(c.replace(/\n\t \* /g, ' ')).toMatch(new RegExp(`${MANUAL}: 3\\. T1: iommufd_preserve P2: kho_alloc_preserve\\(blob\\) -> fails — needs fault injection`));
  });

  for (const k of iommufdSpec.cases!.filter((x) => x.expect === 'violation')) {
    it.skipIf(!hasGcc)(`${k.id}: gcc -fsyntax-only accepts it`, () => {
      const args = ['--scope', k.scope, '--variant', 'fixed', ...Object.entries(k.set).flatMap(([n, v]) => ['--set', `${n}=${v}`])];
      const r = run('check', ...args, '--format', 'kselftest');
      expect(r.code).toBe(1);
      const g = gccCheck(r.out);
      expect(g.stderr).toBe('');
      expect(g.status).toBe(0);
    });
  }
});

describe('the iommufd kselftest hook on actions it does not map', () => {
  const model = iommufdSpec.build(iommufdSpec.scopes['count-race']!, iommufdSpec.presets['fixed']!) as IommufdModel;
  const s = model.initStates()[0]!;

  it('is wired as the model hook and gives the same as kselftestStep', () => {
    const a = model.actions(s)[0]!;
    expect(model.kselftest).toBeTypeOf('function');
    expect(model.kselftest(a, s)).toEqual(kselftestStep(model.ctx, a, s));
  });

  it('makes a kexec step of the reboot process, and an unknown type, marked comments without code', () => {
    const kexec = { type: 'kernel_kexec', pid: -1, idx: -1, op: { op: 'kexec' } } as unknown as Action;
    const k = kselftestStep(model.ctx, kexec, s);
    expect(k.code).toBeUndefined();
    expect(k.needs).toMatch(/^a kexec into the new kernel \(kernel_kexec /);
    const odd = kselftestStep(model.ctx, { type: 'iommufd_something_new', pid: 0, idx: 0 } as unknown as Action, s);
    expect(odd.code).toBeUndefined();
    expect(odd.needs).toBe('C for the action type iommufd_something_new, which the iommufd kselftest mapping does not have');
  });

  it.skipIf(!hasGcc)('makes every step of a new-kernel case from the kexec on a marked comment (5.8, v2)', () => {
    const c = run('check', '--scope', 'adopt-unverified', '--variant', 'v2', '--format', 'kselftest').out;
    const flat = c.replace(/\n\t \* /g, ' ');
    const marked = [...flat.matchAll(new RegExp(`${MANUAL}: (\\d+)\\. (reboot|boot): `, 'g'))].map((m) => Number(m[1]));
    expect(marked.length).toBeGreaterThan(0);
    expect(code(c)).not.toMatch(/kexec|reboot/i);
    expect(gccCheck(c).status).toBe(0);
  });

  it('makes every step after the old kernel a marked comment', () => {
    const a = model.actions(s)[0]!;
    const later = { ...s, phase: 2 } as unknown as typeof s;
    const k = kselftestStep(model.ctx, a, later);
    expect(k.code).toBeUndefined();
    expect(k.needs).toMatch(/^a kexec: iommufd_liveupdate_preserve runs during reboot\(KEXEC\) or in the new kernel/);
  });
});

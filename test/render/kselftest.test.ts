import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANUAL } from '../../explorer/render/kselftest.js';
import { run } from './helpers.js';

const hasGcc = spawnSync('gcc', ['--version']).status === 0;
const include = resolve('test/fixtures/kselftest/include');

/** Writes the C where a selftest lives (a directory below the harness) and syntax-checks it. */
function gccCheck(c: string): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'luocheck-kselftest-'));
  mkdirSync(join(dir, 'iommu'));
  const file = join(dir, 'iommu', 'luocheck_trace.c');
  writeFileSync(file, c);
  const r = spawnSync('gcc', ['-fsyntax-only', '-Wall', '-Werror=implicit-function-declaration', '-I', include, file], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

describe('--format kselftest', () => {
  const count = () => run('check', '--model', 'preserverace', '--variant', 'fixed', '--set', 'count=two-pass', '--format', 'kselftest');

  it('writes a kselftest_harness skeleton performing the ioctls in trace order', () => {
    const r = count();
    expect(r.code).toBe(1);
    const c = r.out;
    expect(c).toContain('#include "../kselftest_harness.h"');
    for (const m of ['FIXTURE(luocheck_preserverace)', 'FIXTURE_SETUP(luocheck_preserverace)', 'FIXTURE_TEARDOWN(luocheck_preserverace)', 'TEST_F(luocheck_preserverace, blob_count_matches)', 'TEST_HARNESS_MAIN']) {
      expect(c).toContain(m);
    }
    const order = ['IOMMU_IOAS_ALLOC, &cmd', 'IOMMU_IOAS_MAP_FILE, &cmd', 'IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE, &cmd', 'LIVEUPDATE_SESSION_PRESERVE_FD, &arg'];
    const at = order.map((s) => c.indexOf(s));
    expect(at.every((x) => x > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(c).toMatch(/ASSERT_EQ\(0, ioctl\(self->fd, IOMMU_IOAS_MAP_FILE, &cmd\)\);/);
  });

  it('leaves the second thread and the kexec as marked comments, never as code', () => {
    const c = count().out;
    const body = c.replace(/\/\*[\s\S]*?\*\//g, '');
    expect(body).not.toContain('IOMMU_DESTROY');
    expect(body).not.toMatch(/kexec/i);
    expect(c).toMatch(new RegExp(`${MANUAL}: 10\\. T2: IOMMU_DESTROY h1 — needs a second thread`));
    expect(c).toMatch(new RegExp(`${MANUAL}: 12\\. boot: kexec — needs a kexec`));
    expect(c).toContain('8. T1: P2: allocate the blob (no userspace call:');
  });

  it.skipIf(!hasGcc)('is accepted by gcc -fsyntax-only with the stub headers in test/fixtures/kselftest', () => {
    const r = gccCheck(count().out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(!hasGcc)('is accepted by gcc for a model without the hook, and gcc rejects broken C', () => {
    const r = gccCheck(run('check', '--model', 'lostupdate', '--format', 'kselftest').out);
    expect(r.status).toBe(0);
    expect(gccCheck(count().out.replace('ASSERT_EQ(0, ioctl(self->fd, IOMMU_IOAS_ALLOC, &cmd));', 'ASSERT_EQ(0, ioctl(self->fd, IOMMU_IOAS_ALOC, &cmd));')).status).not.toBe(0);
  });
});

describe('--format mermaid', () => {
  it('draws a sequence diagram with one participant per process and the kernel', () => {
    const r = run('check', '--model', 'preserverace', '--variant', 'v2', '--format', 'mermaid');
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe('```mermaid');
    expect(lines[1]).toBe('sequenceDiagram');
    expect(lines.at(-1)).toBe('```');
    expect(r.out).toContain('participant p_T1 as T1\n  participant p_T2 as T2\n  participant p_boot as boot\n  participant kernel');
    expect(lines.filter((l) => /^ {2}p_\w+->>kernel: \d+\. /.test(l))).toHaveLength(12);
    expect(r.out).toContain('p_T2->>kernel: 10. IOMMU_DESTROY h1 (race)');
    expect(r.out).toMatch(/Note over p_T1,kernel: violated blob-count-matches: /);
    expect(lines.filter((l) => l.trim() === 'rect rgb(255, 228, 196)')).toHaveLength(2);
    expect(r.out).toMatchSnapshot();
  });

  it('escapes the characters Mermaid reads as syntax', () => {
    const r = run('check', '--model', 'lostupdate', '--format', 'mermaid');
    for (const l of r.out.split('\n').filter((x) => x.includes('->>') || x.includes('Note'))) expect(l.replace(/#\d+;/g, '')).not.toMatch(/[;#]/);
    expect(r.out).toContain('holds#59; so does');
  });
});

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANUAL } from '../../explorer/render/kselftest.js';
import { SERIES_UAPI } from '../../model/iommufd/render/kselftest.js';
import { run } from './helpers.js';
import { code, flat } from './c-text.js';

const hasGcc = spawnSync('gcc', ['--version']).status === 0;
/** Says in the test's own name that it did not run, where gcc is missing. */
const gccTest = (name: string) => (hasGcc ? name : `${name} [SKIPPED: no gcc on this machine]`);
const include = resolve('test/fixtures/kselftest/include');

/**
 * Writes the C where a selftest lives (a directory below the harness) and
 * runs gcc -fsyntax-only -Wall -Werror on it, with the stub headers of the
 * upstream shape in test/fixtures/kselftest (and `extra` include dirs first).
 */
function gccCheck(c: string, extra: readonly string[] = []): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'luocheck-kselftest-'));
  mkdirSync(join(dir, 'iommu'));
  const file = join(dir, 'iommu', 'luocheck_trace.c');
  writeFileSync(file, c);
  const r = spawnSync('gcc', ['-fsyntax-only', '-Wall', '-Werror', ...extra.flatMap((d) => ['-I', d]), '-I', include, file], { encoding: 'utf8' });
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
    const test = c.slice(c.indexOf('TEST_F('));
    const order = ['IOMMU_IOAS_ALLOC, &cmd', 'IOMMU_IOAS_MAP_FILE, &cmd', 'IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE, &cmd', 'LIVEUPDATE_SESSION_PRESERVE_FD, &arg'];
    const at = order.map((s) => test.indexOf(s));
    expect(at.every((x) => x > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(c).toMatch(/ASSERT_EQ\(0, ioctl\(self->fd, IOMMU_IOAS_MAP_FILE, &cmd\)\);/);
  });

  it('runs the second process in a pthread released right before the call it races; the kexec stays a marked comment', () => {
    const c = count().out;
    const body = code(c);
    const fn = body.indexOf('static void *luocheck_T2_during_step7(void *arg)');
    const test = body.indexOf('TEST_F(');
    expect(fn).toBeGreaterThan(0);
    expect(fn).toBeLessThan(test);
    // The thread waits for its go byte, then destroys h1.
    const thread = body.slice(fn, test);
    expect(thread.indexOf('read(t->go[0], &go, 1)')).toBeGreaterThan(0);
    expect(thread.indexOf('read(t->go[0], &go, 1)')).toBeLessThan(thread.indexOf('ioctl(self->fd, IOMMU_DESTROY, &cmd)'));
    // The main process starts it, releases it right before its PRESERVE_FD, and joins it after.
    const main = body.slice(test);
    const seq = ['pthread_create(&luocheck_T2_during_step7_thread', 'write(luocheck_T2_during_step7_arg.go[1]', 'ioctl(session_fd, LIVEUPDATE_SESSION_PRESERVE_FD, &arg)', 'pthread_join(luocheck_T2_during_step7_thread'];
    const at = seq.map((s) => main.indexOf(s));
    expect(at.every((x) => x > 0), JSON.stringify(at)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(main).not.toContain('IOMMU_DESTROY');
    expect(flat(c)).toMatch(/\* 10\. T2: IOMMU_DESTROY h1 \(performed by code: in luocheck_T2_during_step7, a second thread released right before the call of step 7\)/);
    expect(c).toContain('#include <pthread.h>');
    expect(body).not.toMatch(/kexec/i);
    expect(flat(c)).toMatch(new RegExp(`${MANUAL}: 12\\. boot: kexec — needs a kexec`));
    expect(c).toContain('8. T1: P2: allocate the blob (no userspace call:');
  });

  it.skipIf(!hasGcc)(gccTest('is accepted by gcc -fsyntax-only -Wall -Werror with the stub headers in test/fixtures/kselftest'), () => {
    const r = gccCheck(count().out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(!hasGcc)(gccTest('is accepted by gcc for a model without the hook, and gcc rejects broken C'), () => {
    const r = gccCheck(run('check', '--model', 'lostupdate', '--format', 'kselftest').out);
    expect(r.status).toBe(0);
    expect(gccCheck(count().out.replace('ASSERT_EQ(0, ioctl(self->fd, IOMMU_IOAS_ALLOC, &cmd));', 'ASSERT_EQ(0, ioctl(self->fd, IOMMU_IOAS_ALOC, &cmd));')).status).not.toBe(0);
  });
});

describe('the stub headers keep the upstream shape', () => {
  const test = (body: string) =>
    ['#include <fcntl.h>', '#include <unistd.h>', '#include <linux/iommufd.h>', '#include "../kselftest_harness.h"', 'FIXTURE(f) { int fd; };', 'FIXTURE_SETUP(f) { self->fd = open("/dev/iommu", O_RDWR); }', 'FIXTURE_TEARDOWN(f) { close(self->fd); }', 'TEST_F(f, t)', '{', body, '}', 'TEST_HARNESS_MAIN', ''].join('\n');

  it.skipIf(!hasGcc)(gccTest('ASSERT_* ends in the for handler, so a block right after one is -Wmisleading-indentation'), () => {
    const bad = gccCheck(test('\tASSERT_EQ(0, close(3));\n\t{\n\t\tint x = 1;\n\t\tASSERT_EQ(1, x);\n\t}'));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('-Werror=misleading-indentation');
    expect(gccCheck(test('\t{\n\t\tASSERT_EQ(0, close(3));\n\t}\n\t{\n\t\tint x = 1;\n\t\tASSERT_EQ(1, x);\n\t}')).status).toBe(0);
    // The handler is the statement after the macro, as upstream: a TH_LOG runs when the check fails.
    expect(gccCheck(test('\tASSERT_EQ(0, close(3)) TH_LOG("close: %d", 3);')).status).toBe(0);
  });

  it.skipIf(!hasGcc)(gccTest('iommufd.h has no live-update ioctl; the series block defines it, and steps aside once the headers have it'), () => {
    const use = '\tstruct iommu_hwpt_liveupdate_mark_preserve cmd = { .size = sizeof(cmd), .hwpt_id = 1, .hwpt_token = 2 };\n\tASSERT_EQ(0, ioctl(self->fd, IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE, &cmd));';
    const withBlock = (t: string) => t.replace('TEST_F(f, t)', `#include <sys/ioctl.h>\n${SERIES_UAPI}\nTEST_F(f, t)`);
    const without = gccCheck(test(use).replace('FIXTURE(f)', '#include <sys/ioctl.h>\nFIXTURE(f)'));
    expect(without.status).not.toBe(0);
    expect(without.stderr).toMatch(/IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE.{0,3} undeclared/);
    const own = gccCheck(withBlock(test(use)));
    expect(own.stderr).toBe('');
    expect(own.status).toBe(0);
    // A tree whose uapi has the series merged: the block is skipped, the file builds unchanged.
    const merged = mkdtempSync(join(tmpdir(), 'luocheck-merged-'));
    mkdirSync(join(merged, 'linux'));
    writeFileSync(join(merged, 'linux', 'iommufd.h'), `#include "${include}/linux/iommufd.h"\nstruct iommu_hwpt_liveupdate_mark_preserve { __u32 size; __u32 hwpt_id; __aligned_u64 hwpt_token; };\n#define IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE _IO(IOMMUFD_TYPE, 0x95)\n`);
    const after = gccCheck(withBlock(test(use)), [merged]);
    expect(after.stderr).toBe('');
    expect(after.status).toBe(0);
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

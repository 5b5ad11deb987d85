/**
 * Every iommufd known-bug case's --format kselftest output, compiled as a
 * kernel developer would: against the uapi headers `make headers` installs
 * from a real kernel tree, and that tree's own
 * tools/testing/selftests/kselftest_harness.h, with
 * `gcc -fsyntax-only -Wall -Werror` and with `gcc -c -O2 -Wall -Werror`
 * (the selftests' optimisation, where more warnings appear).
 *
 * The tree: LUOCHECK_KERNEL_SRC, a kernel source tree where `make headers`
 * has run (the headers are in its usr/include, as the selftests'
 * KHDR_INCLUDES expects); LUOCHECK_KERNEL_HEADERS may name the headers
 * instead (an INSTALL_HDR_PATH of `make headers_install`, or its include/).
 * .ci/run prepares Debian's linux-source tree and sets both. Without a tree
 * the tests say in their names that they were skipped, and why; with
 * LUOCHECK_REQUIRE_KERNEL=1 (CI) a missing tree is a failure.
 *
 * A tree older than the uapi the output uses lacks some of it (Debian
 * bookworm's 6.12 has no linux/liveupdate.h, the LUO uapi, and no
 * IOMMU_IOAS_MAP_FILE, added in 6.13). Only what the tree lacks is supplied,
 * from the stub headers in test/fixtures/kselftest/include, which carry
 * upstream's names, layouts and numbers; the test names what it supplied.
 * Everything the tree has is the tree's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iommufdSpec } from '../../model/iommufd/index.js';
import { run } from './helpers.js';
import { findTree, REQUIRE_KERNEL, type Tree } from './kernel-tree.js';

const STUBS = resolve('test/fixtures/kselftest/include');

const found = findTree();
const tree = found.tree;
const skipped = found.why;
const name = (s: string) => (tree ? s : `${s} [SKIPPED: ${skipped}]`);

/** What the tree lacks of the uapi the output uses, supplied from the stubs: gcc flags, and what they supply. */
function supplements(t: Tree, dir: string): { flags: string[]; supplied: string[] } {
  const flags: string[] = [];
  const supplied: string[] = [];
  if (!existsSync(join(t.headers, 'linux/liveupdate.h'))) {
    mkdirSync(join(dir, 'linux'), { recursive: true });
    writeFileSync(join(dir, 'linux/liveupdate.h'), readFileSync(join(STUBS, 'linux/liveupdate.h')));
    // Searched only after every other directory: the tree's headers come first.
    flags.push('-idirafter', dir);
    supplied.push('linux/liveupdate.h');
  }
  if (!readFileSync(join(t.headers, 'linux/iommufd.h'), 'utf8').includes('IOMMU_IOAS_MAP_FILE')) {
    const stub = readFileSync(join(STUBS, 'linux/iommufd.h'), 'utf8');
    const struct = /struct iommu_ioas_map_file \{[^}]*\};/.exec(stub)![0];
    const nr = /IOMMUFD_CMD_IOAS_MAP_FILE = (0x[0-9a-f]+)/.exec(stub)![1]!;
    const file = join(dir, 'luocheck-ioas-map-file.h');
    writeFileSync(file, `#include <linux/iommufd.h>\n#ifndef IOMMU_IOAS_MAP_FILE\n${struct}\n#define IOMMU_IOAS_MAP_FILE _IO(IOMMUFD_TYPE, ${nr})\n#endif\n`);
    flags.push('-include', file);
    supplied.push('IOMMU_IOAS_MAP_FILE');
  }
  return { flags, supplied };
}

function compile(t: Tree, c: string, extra: readonly string[]): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'luocheck-kernel-'));
  mkdirSync(join(dir, 'iommu'));
  // The output includes "../kselftest_harness.h": that file is the tree's, so its own includes resolve in the tree.
  writeFileSync(join(dir, 'kselftest_harness.h'), `#include "${join(t.selftests, 'kselftest_harness.h')}"\n`);
  const file = join(dir, 'iommu', 'luocheck_trace.c');
  writeFileSync(file, c);
  const sup = supplements(t, join(dir, 'supplement'));
  const r = spawnSync('gcc', [...extra, '-Wall', '-Werror', '-pthread', '-isystem', t.headers, ...sup.flags, file], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

const cases = iommufdSpec.cases!.filter((x) => x.expect === 'violation');
const caseArgs = (k: (typeof cases)[number]) => ['--scope', k.scope, '--variant', 'fixed', ...Object.entries(k.set).flatMap(([n, v]) => ['--set', `${n}=${v}`]), '--format', 'kselftest'];

describe(`--format kselftest against a kernel tree's uapi headers and kselftest harness${tree ? ` (linux ${tree.version}: ${tree.headers})` : ''}`, () => {
  if (REQUIRE_KERNEL && !tree) {
    it(`a kernel tree is required here (LUOCHECK_REQUIRE_KERNEL=1), but ${skipped}`, () => {
      expect.fail(skipped);
    });
  }

  it.skipIf(!tree)(name('supplies only what the tree lacks, and says what'), () => {
    const t = tree!;
    const sup = supplements(t, mkdtempSync(join(tmpdir(), 'luocheck-kernel-sup-')));
    console.log(`linux ${t.version} headers from ${t.headers}, harness from ${t.selftests}; supplied from the stubs: ${sup.supplied.length ? sup.supplied.join(', ') : 'nothing'}`);
    for (const s of sup.supplied) expect(['linux/liveupdate.h', 'IOMMU_IOAS_MAP_FILE']).toContain(s);
    // Everything else the output uses is the tree's own.
    const uapi = readFileSync(join(t.headers, 'linux/iommufd.h'), 'utf8') + readFileSync(join(t.headers, 'linux/vfio.h'), 'utf8');
    for (const ioctl of ['IOMMU_IOAS_ALLOC', 'IOMMU_HWPT_ALLOC', 'IOMMU_DESTROY', 'VFIO_DEVICE_BIND_IOMMUFD', 'VFIO_DEVICE_ATTACH_IOMMUFD_PT']) {
      expect(uapi, ioctl).toMatch(new RegExp(`#define ${ioctl}\\s`));
    }
  });

  it.skipIf(!tree)(name('a misspelt ioctl or field is an error against the tree too'), () => {
    const c = run('check', ...caseArgs(cases.find((k) => k.id === '5.2-count-race')!)).out;
    expect(compile(tree!, c, ['-fsyntax-only']).status).toBe(0);
    expect(compile(tree!, c.replace('VFIO_DEVICE_BIND_IOMMUFD, &bind', 'VFIO_DEVICE_BIND_IOMMUFDX, &bind'), ['-fsyntax-only']).status).not.toBe(0);
    expect(compile(tree!, c.replace('struct iommu_hwpt_alloc cmd = { .size = sizeof(cmd), .dev_id', 'struct iommu_hwpt_alloc cmd = { .size = sizeof(cmd), .devid'), ['-fsyntax-only']).status).not.toBe(0);
  });

  for (const k of cases) {
    it.skipIf(!tree)(name(`${k.id}: gcc -fsyntax-only -Wall -Werror, and -c -O2 -Wall -Werror, accept it`), () => {
      const r = run('check', ...caseArgs(k));
      expect(r.code).toBe(1);
      for (const flags of [['-fsyntax-only'], ['-c', '-O2', '-o', '/dev/null']]) {
        const g = compile(tree!, r.out, flags);
        expect(g.stderr, `${k.id} ${flags.join(' ')}`).toBe('');
        expect(g.status).toBe(0);
      }
    });
  }
});

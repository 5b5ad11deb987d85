/**
 * The kernel tree test/render/kselftest-kernel.test.ts compiles against, and
 * why there is none: LUOCHECK_KERNEL_SRC (a tree where `make headers` has
 * run) and, optionally, LUOCHECK_KERNEL_HEADERS (the headers elsewhere).
 * Shared with the run's closing line (kernel-announce.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Set by .ci/run: there, a missing tree fails the run instead of skipping the tests. */
export const REQUIRE_KERNEL = process.env['LUOCHECK_REQUIRE_KERNEL'] === '1';

export interface Tree {
  /** The directory of linux/iommufd.h and friends, as `make headers` installs them. */
  headers: string;
  /** tools/testing/selftests of the tree: kselftest_harness.h and kselftest.h. */
  selftests: string;
  /** The kernel version the headers are from (linux/version.h). */
  version: string;
}

export function findTree(): { tree?: Tree; why: string } {
  if (spawnSync('gcc', ['--version']).status !== 0) return { why: 'there is no gcc on this machine' };
  const src = process.env['LUOCHECK_KERNEL_SRC'];
  if (!src) return { why: 'LUOCHECK_KERNEL_SRC is not set to a kernel tree where `make headers` has run' };
  const selftests = join(src, 'tools/testing/selftests');
  if (!existsSync(join(selftests, 'kselftest_harness.h'))) return { why: `LUOCHECK_KERNEL_SRC=${src} has no tools/testing/selftests/kselftest_harness.h` };
  const given = process.env['LUOCHECK_KERNEL_HEADERS'];
  const candidates = given ? [join(given, 'include'), given] : [join(src, 'usr/include')];
  const headers = candidates.find((d) => existsSync(join(d, 'linux/iommufd.h')));
  if (!headers) return { why: `no linux/iommufd.h under ${candidates.join(' or ')}: run \`make headers\` in the tree` };
  const versionH = join(headers, 'linux/version.h');
  const code = existsSync(versionH) ? /LINUX_VERSION_CODE (\d+)/.exec(readFileSync(versionH, 'utf8')) : null;
  const n = code ? Number(code[1]) : 0;
  return { tree: { headers, selftests, version: n > 0 ? `${n >> 16}.${(n >> 8) & 0xff}` : 'of unknown version' }, why: '' };
}


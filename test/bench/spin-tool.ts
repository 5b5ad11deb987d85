/**
 * Whether SPIN and gcc are here to run bench/spin/run.sh, and why not.
 * LUOCHECK_REQUIRE_SPIN=1 (.ci/run, which installs Debian's spin) makes a
 * missing SPIN a failure instead of a skip.
 */
import { spawnSync } from 'node:child_process';

export const REQUIRE_SPIN = process.env['LUOCHECK_REQUIRE_SPIN'] === '1';

function missing(): string | undefined {
  for (const tool of ['spin', 'gcc']) {
    const r = spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    if (r.status !== 0) return `no ${tool} on this machine (apt-get install spin gcc)`;
  }
  return undefined;
}

export const SPIN_MISSING = missing();

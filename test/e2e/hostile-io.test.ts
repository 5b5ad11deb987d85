/**
 * Closed and full standard streams, through the built command: a reader that
 * goes away (EPIPE) ends the output quietly with the verdict's exit code; a
 * full stdout (ENOSPC, /dev/full) is one line on stderr and exit 2; a full
 * stderr changes nothing. Never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const CLI = 'dist/explorer/cli/luocheck.js';

/** Runs the built CLI under bash with the given redirection; returns its exit code and stderr. */
function sh(args: string, redirect: string): { code: number; err: string } {
  const r = spawnSync('bash', ['-c', `node ${CLI} ${args} ${redirect}; echo "rc=\${PIPESTATUS[0]}" >&3`], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const out = (r.output[3] as string | null) ?? '';
  return { code: Number(/rc=(\d+)/.exec(out)?.[1] ?? -1), err: r.stderr };
}

const PASS = 'check --model lostupdate --variant fixed';
const FAIL = 'check --model lostupdate';
const STACK = /\n\s+at |internal error|Unhandled/;

describe('standard streams that fail', () => {
  it('the built command exists (npm test builds it)', () => {
    expect(existsSync(CLI)).toBe(true);
  });

  for (const [args, verdict] of [[PASS, 0], [FAIL, 1], ['list', 0], ['list --format json', 0]] as const) {
    it(`${args}: a closed pipe keeps exit ${verdict}, quietly`, () => {
      const r = sh(args, '| true');
      expect(r.err).not.toMatch(STACK);
      expect(r.err).toBe('');
      expect(r.code).toBe(verdict);
    });

    it(`${args}: a full stdout is one line and exit 2`, () => {
      const r = sh(args, '> /dev/full');
      expect(r.err).not.toMatch(STACK);
      expect(r.err).toBe('luocheck: cannot write the report to standard output: ENOSPC\n');
      expect(r.code).toBe(2);
    });

    it(`${args}: a full stderr keeps exit ${verdict}`, () => {
      const r = sh(args, '> /dev/null 2> /dev/full');
      expect(r.code).toBe(verdict);
    });
  }

  it('a usage error with a full stderr still exits 2', () => {
    expect(sh('check --model nosuch', '2> /dev/full').code).toBe(2);
  });
});

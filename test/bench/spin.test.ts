/**
 * SPIN's version of the benchmark model (bench/spin/bench.pml, run by
 * bench/spin/run.sh as `npm run bench` runs it) and luocheck's
 * (bench/objtable.ts) must be the same model: for each parameter set, SPIN's
 * "states, stored" equals luocheck's distinct states, and SPIN's
 * "transitions" equals luocheck's edges + 1 (SPIN stores the initial state
 * without a transition into it). Both are explored here; nothing is copied
 * from either. Without SPIN the tests say in their names that they were
 * skipped; with LUOCHECK_REQUIRE_SPIN=1 (CI) a missing SPIN is a failure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { explore } from '../../explorer/search/bfs.js';
import { ObjtableModel } from '../../bench/objtable.js';
import { objtableInvariants } from '../../bench/objtable-invariants.js';
import { REQUIRE_SPIN, SPIN_MISSING } from './spin-tool.js';

const RUN = resolve('bench/spin/run.sh');
const build = mkdtempSync(join(tmpdir(), 'luocheck-spin-'));
afterAll(() => rmSync(build, { recursive: true, force: true }));

function spin(args: string[]): { states: number; transitions: number } {
  const r = spawnSync('bash', [RUN, ...args], { encoding: 'utf8', env: { ...process.env, SPIN_BUILD_DIR: build } });
  expect(r.status, r.stderr).toBe(0);
  const get = (k: string) => Number(new RegExp(`${k}=(\\d+)`).exec(r.stdout)?.[1]);
  return { states: get('states'), transitions: get('transitions') };
}

const skip = SPIN_MISSING !== undefined && !REQUIRE_SPIN;
const name = (s: string) => (SPIN_MISSING ? `${s} [SKIPPED: ${SPIN_MISSING}]` : s);

describe('SPIN and luocheck explore the same benchmark model', () => {
  it.skipIf(skip)(name('SPIN is here (LUOCHECK_REQUIRE_SPIN)'), () => {
    expect(SPIN_MISSING).toBeUndefined();
  });
  for (const [P, K, M] of [[2, 2, 1], [3, 3, 2], [4, 3, 2], [4, 4, 4]] as const) {
    it.skipIf(SPIN_MISSING !== undefined)(name(`P,K,M = ${P},${K},${M}: same states, SPIN's transitions = edges + 1`), () => {
      const scope = { P, K, M };
      const ours = explore(new ObjtableModel(scope), objtableInvariants(scope));
      expect(ours.result).toBe('ok');
      const theirs = spin([String(P), String(K), String(M)]);
      expect(theirs.states).toBe(ours.distinctStates);
      expect(theirs.transitions).toBe(ours.transitions + 1);
    });
  }
  it.skipIf(SPIN_MISSING !== undefined)(name('the size npm run bench runs first, small, by name'), () => {
    const ours = explore(new ObjtableModel({ P: 5, K: 3, M: 2 }), objtableInvariants({ P: 5, K: 3, M: 2 }));
    const theirs = spin(['small']);
    expect(theirs.states).toBe(ours.distinctStates);
    expect(theirs.transitions).toBe(ours.transitions + 1);
  });
  it.skipIf(SPIN_MISSING !== undefined)(name('run.sh refuses bad parameters with exit 2 and one line'), () => {
    for (const bad of [['3', '2', '4'], ['9', '1', '1'], ['x'], []]) {
      const r = spawnSync('bash', [RUN, ...bad], { encoding: 'utf8', env: { ...process.env, SPIN_BUILD_DIR: build } });
      expect(r.status, bad.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

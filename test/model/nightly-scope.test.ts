/**
 * The nightly scope (model/iommufd/scopes/scopes-kexec.ts): `npm test` checks
 * only what is cheap: its shape is the one docs/ci.md promises, a bounded
 * breadth-first search and seeded random walks find nothing under fixed and
 * reach the new kernel, and random walks find a bug of the series as posted
 * (v2) in it. Its distinct-state count (NIGHTLY_STATES) takes minutes of
 * search: the nightly job of docs/ci/luocheck.yml searches it and runs this
 * file with LUOCHECK_NIGHTLY_REPORT naming the JSON report, which the last
 * test compares with the pin (skipped without it).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { Invariant } from '../../explorer/invariant.js';
import { randomWalks } from '../../explorer/search/random.js';
import type { Action, State } from '../../model/iommufd/state/types.js';
import { invariantsFor, modelFor, run, scopeOf, V2 } from './helpers.js';

/** The nightly scope's distinct states under fixed (restore=rebuild), without symmetry reduction, for any --workers. */
const NIGHTLY_STATES = 14814084;

const scope = scopeOf('nightly');
const allOps = [...scope.threads.flat(), ...scope.restore.flat()];

describe('the nightly scope', () => {
  test('has the shape docs/ci.md gives it: three devices, one two-device group, two IOAS, a sealed and an unsealed memfd, three racing threads, the whole lifecycle', () => {
    expect(scope.phases).toBe('lifecycle');
    expect(scope.devices).toHaveLength(3);
    const groups = scope.devices.map((d) => d.group);
    expect(groups.filter((g) => groups.indexOf(g) !== groups.lastIndexOf(g))).toHaveLength(2);
    expect(scope.ioas).toHaveLength(2);
    expect(scope.memfds.map((m) => m.seals.length > 0)).toEqual([true, false]);
    expect(scope.threads).toHaveLength(3);
    for (const op of ['unmap', 'destroy', 'ftruncate', 'replace', 'preserve_fd', 'map_file', 'add_seals']) expect(allOps.some((o) => o.op === op), op).toBe(true);
    for (const op of ['retrieve_session', 'hwpt_alloc', 'finish', 'close_session', 'attach_ioas', 'bind_driver']) expect(scope.restore[0]!.some((o) => o.op === op), op).toBe(true);
  });

  test('a bounded search under fixed finds nothing', () => {
    const { result } = run('nightly', {}, { maxStates: 20_000 });
    expect(result.violations).toEqual([]);
    expect(result.result).toBe('incomplete');
  });

  test('seeded random walks under v2 (the series as posted) find one of its bugs', () => {
    const r = randomWalks(modelFor('nightly', V2), invariantsFor('nightly', V2), { seed: 15, runs: 300, walkLength: 400 });
    expect(r.violations.length).toBeGreaterThan(0);
  });

  test('seeded random walks under fixed find nothing and go through kexec to the new kernel\'s VMM', () => {
    const taken = new Set<string>();
    const record: Invariant<State, Action> = {
      id: 'record', title: 'records the actions taken', source: 'test', kind: 'step',
      check: (_p, a) => {
        taken.add(a.type);
        return null;
      },
    };
    const r = randomWalks(modelFor('nightly'), [...invariantsFor('nightly'), record], { seed: 15, runs: 300, walkLength: 400 });
    expect(r.violations).toEqual([]);
    for (const t of ['kexec', 'hwpt_alloc', 'finish']) expect([...taken].some((x) => x.includes(t)), `${t} in ${[...taken].join(' ')}`).toBe(true);
  });

  const report = process.env['LUOCHECK_NIGHTLY_REPORT'];
  test.skipIf(!report)('the nightly run (LUOCHECK_NIGHTLY_REPORT) is exhaustive, ok, and has the pinned number of distinct states', () => {
    const r = JSON.parse(readFileSync(report!, 'utf8')) as { scope: string; variantName: string; result: string; stats: { distinctStates: number } };
    expect(r.scope).toBe('nightly');
    expect(r.variantName).toBe('fixed');
    expect(r.result).toBe('ok');
    expect(r.stats.distinctStates).toBe(NIGHTLY_STATES);
  });
});

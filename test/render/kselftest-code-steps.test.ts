/**
 * bench/kselftest-steps.ts reads from the C of --format kselftest how many
 * steps of a case are done by code (it also reads builds from before the
 * step plan existed). On every iommufd known-bug case its reading agrees
 * with what the output's own header says of the plan.
 */
import { describe, expect, it } from 'vitest';
import { countCodeSteps } from '../../bench/kselftest-steps.js';
import { iommufdSpec } from '../../model/iommufd/index.js';
import { run } from './helpers.js';

const HEADER = /of its (\d+) steps, (\d+) by code/;

describe('the code-step count read from the C', () => {
  for (const k of iommufdSpec.cases!.filter((x) => x.expect === 'violation')) {
    it(`${k.id}: agrees with the header's count`, () => {
      const r = run('check', '--scope', k.scope, '--variant', 'fixed', ...Object.entries(k.set).flatMap(([n, v]) => ['--set', `${n}=${v}`]), '--format', 'kselftest');
      expect(r.code).toBe(1);
      const m = HEADER.exec(r.out.replace(/\n \* /g, ' '));
      expect(m, 'header line').not.toBeNull();
      expect(countCodeSteps(r.out)).toEqual({ steps: Number(m![1]), code: Number(m![2]) });
    });
  }

  it('counts a step once when its comment appears twice (the second thread), and a marked step as not code', () => {
    const c = ['\t/*', '\t * 1. T1: call', '\t */', '\t{', '\t\tx();', '\t}', '\t/*', '\t * LUOCHECK-MANUAL: 2. T2: racing call', '\t */', '\t/*', '\t * 2. T2: racing call (performed by code: in a', '\t * second thread)', '\t */', '\t/*', '\t * 3. T1: inside (no userspace call)', '\t */', '\t/*', '\t * not a step', '\t */', '\t{', '\t}'].join('\n');
    expect(countCodeSteps(c)).toEqual({ steps: 3, code: 2 });
  });
});

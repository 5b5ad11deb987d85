import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODELS } from '../../model/registry.js';
import { run, violatingCases } from './helpers.js';

// Runs once the iommufd model is registered; until then the fixture model
// test/fixtures/preserve-race.ts stands in for it (test/e2e/traces.test.ts).
const registered = MODELS.some((m) => m.name === 'iommufd');
const hasGcc = spawnSync('gcc', ['--version']).status === 0;

describe.skipIf(!registered)('the iommufd known-bug cases', () => {
  const count = () => {
    const c = violatingCases().find((x) => x.model === 'iommufd' && x.args.includes('hwptCount=two-pass'));
    expect(c, 'a case with --set hwptCount=two-pass').toBeDefined();
    return c!;
  };

  it('5.2 count race: the race is the preserve count step and the destroy, with minimal context switches', () => {
    const j = JSON.parse(run('check', ...count().args, '--format', 'json').out);
    const v = j.violations[0];
    expect(v.invariant).toBe('blob-count-matches');
    expect(v.race, 'a race').toBeDefined();
    const steps = [v.trace[v.race.first], v.trace[v.race.second]];
    expect(steps.map((s: { action: string }) => s.action).join(' | ')).toMatch(/P1.*\|.*DESTROY|DESTROY.*\|.*P1/);
    expect(steps[0].process).not.toBe(steps[1].process);
    expect(v.switchesMinimal).toBe(true);
    expect(v.contextSwitches).toBeLessThanOrEqual(v.unshrunk.contextSwitches);
  });

  it.skipIf(!hasGcc)('5.2 count race: --format kselftest passes gcc -fsyntax-only with the stub headers', () => {
    const c = run('check', ...count().args, '--format', 'kselftest').out;
    const dir = mkdtempSync(join(tmpdir(), 'luocheck-iommufd-'));
    mkdirSync(join(dir, 'iommu'));
    const file = join(dir, 'iommu', 'count_race.c');
    writeFileSync(file, c);
    const r = spawnSync('gcc', ['-fsyntax-only', '-Werror=implicit-function-declaration', '-I', resolve('test/fixtures/kselftest/include'), file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

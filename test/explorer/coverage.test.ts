/**
 * --coverage (explorer/search/coverage.ts): per action kind and program counter,
 * transitions fired and new states, the same for any number of workers; the
 * menu kinds and steps that never fired are listed; json, junit and text.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../explorer/cli/cli.js';
import type { CoverageReport } from '../../explorer/search/coverage.js';
import { SCOPES } from '../../model/iommufd/scopes/scopes.js';

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => (out += s), err: (s) => (err += s), isTTY: false };
  return { code: main(argv, io), out, err };
}

const json = (...argv: string[]) => {
  const r = run('check', '--coverage', '--format', 'json', ...argv);
  return JSON.parse(r.out) as { stats: { distinctStates: number; transitions: number; steps?: number }; coverage: CoverageReport };
};

const sum = (c: CoverageReport, k: 'fired' | 'newStates') => c.actions.reduce((n, a) => n + a[k], 0);

const tmp = mkdtempSync(join(tmpdir(), 'luocheck-coverage-'));

describe('--coverage', () => {
  it('exhaustive: every transition and every new state is counted once (one initial state)', () => {
    for (const argv of [['--model', 'twophase'], ['--model', 'bench', '--scope', 'small'], ['--scope', 'count-race']]) {
      const j = json(...argv, '--workers', '1');
      expect(sum(j.coverage, 'fired')).toBe(j.stats.transitions);
      expect(sum(j.coverage, 'newStates')).toBe(j.stats.distinctStates - 1);
    }
  });

  it('a multi-step action is split per program counter, and its steps add up', () => {
    const { coverage } = json('--scope', 'count-race', '--workers', '1');
    const pres = coverage.actions.find((a) => a.action === 'iommufd_liveupdate_preserve')!;
    expect(pres.steps!.map((s) => s.step)).toEqual(['P0', 'P1', 'P2', 'P3a', 'P3c_imm', 'P3c_check', 'P3c_domain', 'P3c_err', 'P3e']);
    expect(pres.steps!.reduce((n, s) => n + s.fired, 0)).toBe(pres.fired);
    expect(pres.steps!.find((s) => s.step === 'P0')!.fired).toBeGreaterThan(0);
    expect(coverage.actions.find((a) => a.action === 'iommufd_destroy')!.fired).toBeGreaterThan(0);
  });

  it('the figures are the same for 1, 2 and 3 workers (ci: many batches; v2 stops at violations)', { timeout: 600_000 }, () => {
    for (const argv of [['--scope', 'ci'], ['--scope', 'count-race', '--variant', 'v2', '--continue'], ['--scope', 'cached-seals', '--variant', 'v2']]) {
      const one = json(...argv, '--workers', '1');
      expect(one.stats.transitions).toBeGreaterThan(0);
      for (const w of ['2', '3']) {
        const more = json(...argv, '--workers', w);
        expect(more.coverage).toEqual(one.coverage);
        expect(more.stats.transitions).toBe(one.stats.transitions);
      }
    }
  });

  it('random walks: every step is counted, new states are those not seen before', () => {
    const j = json('--scope', 'count-race', '--mode', 'random', '--runs', '50', '--seed', '7');
    expect(sum(j.coverage, 'fired')).toBe(j.stats.steps);
    expect(sum(j.coverage, 'newStates')).toBe(j.stats.distinctStates - 1);
    expect(json('--scope', 'count-race', '--mode', 'random', '--runs', '50', '--seed', '7').coverage).toEqual(j.coverage);
  });

  it('a scope with an op that can never fire reports it as never fired', () => {
    // RETRIEVE_FD without RETRIEVE_SESSION: the VMM never holds the session fd.
    const scope = { ...SCOPES['count-race']!, restore: [[{ op: 'retrieve_fd', file: { kind: 'iommufd' } }]] };
    const f = join(tmp, 'never.json');
    writeFileSync(f, JSON.stringify(scope));
    const { coverage } = json('--scope', f);
    expect(coverage.actions.find((a) => a.action === 'luo_retrieve_file')).toEqual({ action: 'luo_retrieve_file', fired: 0, newStates: 0 });
    expect(coverage.neverFired).toContain('luo_retrieve_file');
    const text = run('check', '--coverage', '--scope', f).out;
    expect(text).toMatch(/warning: \d+ actions or steps of the menu never fired:[\s\S]*\n {7}luo_retrieve_file\n/);
    // With the session retrieved first, it fires.
    writeFileSync(f, JSON.stringify({ ...scope, restore: [[{ op: 'retrieve_session' }, { op: 'retrieve_fd', file: { kind: 'iommufd' } }]] }));
    expect(json('--scope', f).coverage.neverFired).not.toContain('luo_retrieve_file');
  });

  it('text lists every action with its counts; junit carries them as properties', () => {
    const { coverage } = json('--scope', 'count-race');
    const text = run('check', '--coverage', '--scope', 'count-race').out;
    for (const a of coverage.actions) expect(text).toMatch(new RegExp(`\\n {7}${a.action} +${a.fired} +${a.newStates}\\n`));
    const xml = run('check', '--coverage', '--scope', 'count-race', '--format', 'junit').out;
    for (const a of coverage.actions) expect(xml).toContain(`<property name="coverage.${a.action}" value="fired ${a.fired}, new states ${a.newStates}"/>`);
    expect(xml).toContain('<property name="coverage.iommufd_liveupdate_preserve.P0" value="fired ');
    expect(xml).toContain(`<property name="coverage.never-fired" value="${coverage.neverFired.join(', ')}"/>`);
  });

  it('without --coverage the report has none; with --mode pbt it is refused', () => {
    expect(JSON.parse(run('check', '--scope', 'count-race', '--format', 'json').out).coverage).toBeUndefined();
    const r = run('check', '--coverage', '--mode', 'pbt');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^luocheck: --coverage counts exhaustive and random runs/);
  });
});

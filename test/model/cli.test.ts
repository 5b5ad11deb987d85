/**
 * The acceptance commands through the command-line entry point, with the
 * iommufd model added to the shipped models: each case's buggy switch exits
 * 1 naming its invariant, `--variant fixed` exits 0, bad input exits 2.
 */
import { describe, expect, test } from 'vitest';
import { main, type Io } from '../../explorer/cli.js';
import { MODELS } from '../../model/registry.js';
import { iommufdSpec } from '../../model/iommufd/index.js';

const models = MODELS.some((m) => m.name === 'iommufd') ? MODELS : [...MODELS, iommufdSpec];

function cli(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => (out += s), err: (s) => (err += s), isTTY: false };
  return { code: main(args, io, models), out, err };
}

describe('luocheck check --model iommufd', () => {
  for (const c of iommufdSpec.cases!) {
    const sets = Object.entries(c.set).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
    test(`${c.id}: --variant fixed ${sets.join(' ')}`, () => {
      const r = cli(['check', '--model', 'iommufd', '--scope', c.scope, '--variant', 'fixed', ...sets, '--format', 'json']);
      expect(r.code).toBe(c.expect === 'violation' ? 1 : 0);
      const report = JSON.parse(r.out) as { violations: { invariant: string }[] };
      if (c.invariant) expect(report.violations[0]!.invariant).toBe(c.invariant);
      expect(cli(['check', '--model', 'iommufd', '--scope', c.scope, '--variant', 'fixed']).code).toBe(0);
    });
  }

  test('--variant v2 names blob-count-matches on count-race and seal-check-live on cached-seals', () => {
    const a = cli(['check', '--model', 'iommufd', '--scope', 'count-race', '--variant', 'v2']);
    expect(a.code).toBe(1);
    expect(a.out).toContain('blob-count-matches');
    const b = cli(['check', '--model', 'iommufd', '--scope', 'cached-seals', '--variant', 'v2']);
    expect(b.code).toBe(1);
    expect(b.out).toContain('seal-check-live');
  });

  test('bad input exits 2 with one line naming the accepted values', () => {
    const r = cli(['check', '--model', 'iommufd', '--scope', 'nope']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/shared-ioas/);
    const s = cli(['check', '--model', 'iommufd', '--scope', 'count-race', '--set', 'seals=sometimes']);
    expect(s.code).toBe(2);
    expect(s.err).toMatch(/cached/);
  });

  test('list shows the model, its scopes, switches, invariants and cases', () => {
    const r = cli(['list']);
    expect(r.code).toBe(0);
    for (const w of ['iommufd', 'unwind-window', 'immutableCheck', 'freeze-no-mutation', '5.9-group-replace']) expect(r.out).toContain(w);
  });
});

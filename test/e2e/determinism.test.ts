/**
 * Reports are evidence in a review, so they must repeat byte for byte: every
 * known-bug case, run twice, once with one worker and once with two, gives the
 * same JSON report (timing fields aside), the same email and the same ITF.
 * Random and property-based runs repeat from their seed.
 */
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../explorer/cli/cli.js';
import { MODELS } from '../../model/registry.js';

function run(argv: string[]): { code: number; out: string } {
  let out = '';
  const io: Io = { out: (s) => (out += s), err: () => {}, isTTY: false };
  return { code: main(argv, io), out };
}

/** The JSON report without its timing fields. */
function untimed(json: string): string {
  const r = JSON.parse(json);
  delete r.stats.seconds;
  delete r.stats.statesPerSecond;
  return JSON.stringify(r);
}

const cases = MODELS.flatMap((m) => (m.cases ?? []).map((c) => ({ model: m.name, ...c })));

describe('the same report on every run and for any --workers', () => {
  it('covers every known-bug case of every model', () => {
    expect(cases.length).toBeGreaterThanOrEqual(9);
  });

  for (const c of cases) {
    const sets = Object.entries(c.set).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
    const argv = ['check', '--model', c.model, '--scope', c.scope, '--variant', 'fixed', ...sets];
    it(`${c.model} ${c.id}`, () => {
      const a = run([...argv, '--format', 'json', '--workers', '1']);
      const b = run([...argv, '--format', 'json', '--workers', '2']);
      expect(a.code).toBe(c.expect === 'violation' ? 1 : 0);
      expect(b.code).toBe(a.code);
      expect(untimed(b.out)).toBe(untimed(a.out));
      for (const format of ['email', 'itf']) {
        if (a.code === 0) continue;
        const x = run([...argv, '--format', format, '--workers', '1']);
        const y = run([...argv, '--format', format, '--workers', '2']);
        expect(y.out).toBe(x.out);
      }
    });
  }

  it('random and pbt runs repeat from the seed', () => {
    for (const mode of ['random', 'pbt']) {
      const argv = ['check', '--model', 'lostupdate', '--mode', mode, '--seed', '11', '--format', 'json'];
      expect(untimed(run(argv).out)).toBe(untimed(run(argv).out));
    }
  });
});

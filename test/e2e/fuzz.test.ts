/**
 * Fuzzing the command line and the files it reads (scope files, JSON and ITF
 * traces): whatever the input, luocheck exits 0, 1, 2 or 3, and never prints
 * a stack trace or an internal error.
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../explorer/cli/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'luocheck-fuzz-'));

function run(argv: string[]): { code: number; err: string } {
  let err = '';
  const io: Io = { out: () => {}, err: (s) => (err += s), isTTY: false };
  return { code: main(argv, io), err };
}

function expectClean(argv: string[]): void {
  const { code, err } = run(argv);
  const where = JSON.stringify(argv);
  expect([0, 1, 2, 3], `${where} exited ${code}: ${err}`).toContain(code);
  expect(err, where).not.toMatch(/\n\s+at .*\(|internal error/);
  if (code === 2) expect(err.trim().split('\n'), where).toHaveLength(1);
}

const words = fc.constantFrom(
  'check', 'list', 'replay', 'explain', 'bench', 'twophase', 'lostupdate', 'iommufd', 'small', 'nosuch',
  'fixed', 'v2', 'buggy', 'lock=on', 'lock=off', 'x=y', '=', '', '-', '--', '0', '1', '3', '-1', '1e3', '0x10',
  '99999999999999999999', 'NaN', '2/4', '0/0', '5/3', 'json', 'text', 'junit', 'itf', 'email', 'mermaid', 'kselftest',
  'exhaustive', 'random', 'pbt', 'no-lost-update', 'tc-consistent', '1:2:3', '200MB', '1GB', 'lots', '/no/such',
  join(dir, 'out.txt'), join(dir, 'nodir', 'x'), 'ünïcödé', ' ', '\n',
);
const flags = fc.constantFrom(
  '--model', '--scope', '--variant', '--set', '--mode', '--invariant', '--depth', '--max-states', '--continue',
  '--seed', '--runs', '--walk-length', '--path', '--swarm', '--shard', '--format', '--out', '--workers',
  '--max-memory', '--symmetry', '--por', '--load', '--bogus', '-x', '--model=bench', '--format=json', '--depth=2',
);
const argvs = fc.array(fc.oneof({ weight: 2, arbitrary: flags }, { weight: 3, arbitrary: words }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), { maxLength: 8 });

/** Bounds added to every generated check, so a valid command line stays quick. */
function bounded(argv: string[]): string[] {
  const out = [...argv];
  if (!out.includes('--max-states')) out.push('--max-states', '300');
  if (!out.includes('--time-limit')) out.push('--time-limit', '0.5');
  if (!out.includes('--runs')) out.push('--runs', '5');
  if (!out.includes('--workers')) out.push('--workers', '1');
  return out;
}

describe('fuzzing', () => {
  it('1,000 generated command lines', () => {
    fc.assert(
      fc.property(argvs, (argv) => {
        expectClean(argv[0] === 'check' ? bounded(argv) : argv);
      }),
      { seed: 20261121, numRuns: 1000 },
    );
  });

  it('1,000 mutated scope and trace files', () => {
    const lost = join(dir, 'lost.json');
    run(['check', '--model', 'lostupdate', '--format', 'json', '--out', lost]);
    const itf = join(dir, 'lost.itf.json');
    run(['check', '--model', 'lostupdate', '--format', 'itf', '--out', itf]);
    const seeds: [string, unknown][] = [
      ['scope', { P: 3, K: 3, M: 2 }],
      ['scope', { threads: 2, irqs: 1 }],
      ['scope', { rms: 3 }],
    ];
    for (const f of [lost, itf]) {
      try {
        seeds.push(['trace', JSON.parse(readFileSync(f, 'utf8'))]);
      } catch {
        // a format not built yet: fuzz the others
      }
    }
    /** Replaces a random node of `v` with `r`, deletes a key, or keeps it. */
    const mutate = (v: unknown, path: number[], r: unknown): unknown => {
      if (path.length === 0 || typeof v !== 'object' || v === null) return r;
      const [i, ...rest] = path;
      if (Array.isArray(v)) {
        if (v.length === 0) return r;
        const j = i! % v.length;
        return rest.length === 0 && i! % 3 === 0 ? v.filter((_, k) => k !== j) : v.map((x, k) => (k === j ? mutate(x, rest, r) : x));
      }
      const keys = Object.keys(v);
      if (keys.length === 0) return r;
      const key = keys[i! % keys.length]!;
      const o = { ...(v as Record<string, unknown>) };
      if (rest.length === 0 && i! % 3 === 0) delete o[key];
      else o[key] = mutate(o[key], rest, r);
      return o;
    };
    const file = join(dir, 'mutant.json');
    fc.assert(
      fc.property(
        fc.nat(seeds.length - 1),
        fc.array(fc.nat(50), { minLength: 1, maxLength: 6 }),
        fc.jsonValue({ maxDepth: 2 }),
        fc.nat(3),
        fc.nat(400),
        (which, path, r, how, cut) => {
          const [kind, value] = seeds[which]!;
          let text = JSON.stringify(mutate(value, path, r));
          if (how === 0) text = text.slice(0, cut % (text.length + 1)); // truncated
          if (how === 1) text = text.replace(/\d/, 'x');
          writeFileSync(file, text);
          const model = which === 1 ? 'lostupdate' : which === 2 ? 'twophase' : 'bench';
          expectClean(kind === 'scope' ? bounded(['check', '--model', model, '--scope', file]) : ['replay', file]);
        },
      ),
      { seed: 7, numRuns: 1000 },
    );
  });
});

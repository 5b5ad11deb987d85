/**
 * Hostile input files and loaded code: every one is a one-line error with
 * exit 2 naming the file (and, for loaded code, the invariant), never a
 * stack trace or an internal error (exit 4). Oversized files are sparse, so
 * they cost no disk.
 */
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../explorer/cli/cli.js';
import { MAX_FILE_BYTES, MAX_JSON_DEPTH } from '../../explorer/cli/resolve.js';

const tmp = mkdtempSync(join(tmpdir(), 'luocheck-input-'));

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => (out += s), err: (s) => (err += s), isTTY: false };
  return { code: main(argv, io), out, err };
}

function usageError(r: ReturnType<typeof run>, pattern: RegExp): void {
  expect(r.err).not.toMatch(/internal error|\n\s+at /);
  expect(r.code, r.err).toBe(2);
  expect(r.err.trim().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(pattern);
}

describe('nested and oversized files', () => {
  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const deepObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

  it('a scope file nested 100,000 deep', () => {
    const f = join(tmp, 'deep-scope.json');
    writeFileSync(f, deepObject(100_000));
    usageError(run('check', '--scope', f), new RegExp(`scope file ".*deep-scope\\.json" nests arrays and objects more than ${MAX_JSON_DEPTH} deep`));
  });

  it('a trace file nested 1,000,000 deep, as an array or inside a state', () => {
    const f = join(tmp, 'deep-trace.json');
    writeFileSync(f, nested(1_000_000));
    usageError(run('replay', f), /trace file ".*deep-trace\.json" nests arrays and objects/);
    const g = join(tmp, 'deep-state.json');
    writeFileSync(g, `{"model":"lostupdate","scope":"two","variant":{},"violations":[{"invariant":"no-lost-update","trace":[{"process":"init","action":"init","state":${deepObject(10_000)}}]}]}`);
    usageError(run('replay', g), /trace file ".*deep-state\.json" nests/);
  });

  it('a file just deep enough is read', () => {
    const f = join(tmp, 'ok-depth.json');
    writeFileSync(f, nested(MAX_JSON_DEPTH));
    const r = run('replay', f);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/trace: expected a JSON report/);
  });

  it('sparse files over the size limit (600 MB and 5 GB), refused before reading', () => {
    for (const [name, size] of [['big.json', 600 * 1024 * 1024], ['huge.itf.json', 5 * 1024 ** 3]] as const) {
      const f = join(tmp, name);
      writeFileSync(f, '');
      truncateSync(f, size);
      usageError(run('replay', f), new RegExp(`trace file ".*${name.replace(/\./g, '\\.')}" is ${size} bytes; luocheck reads files of up to ${MAX_FILE_BYTES} bytes`));
      usageError(run('check', '--scope', f), /scope file .* is \d+ bytes/);
    }
  });

  it('an unreadable path', () => {
    usageError(run('replay', tmp), /trace file ".*" is not a file/);
  });
});

describe('loaded code that misbehaves', () => {
  /** A module with one state invariant whose check body is `body` (x is the lostupdate counter). */
  const mod = (name: string, body: string, extra = ''): string => {
    const f = join(tmp, `${name}.mjs`);
    writeFileSync(f, `export const model = 'lostupdate';
export default { id: '${name}', title: 't', source: 'test', kind: 'state', check: (s) => { ${body} }${extra} };
`);
    return f;
  };
  const MODES = [[], ['--mode', 'random', '--runs', '50'], ['--mode', 'pbt', '--runs', '50']];

  for (const mode of MODES) {
    const m = mode[1] ?? 'exhaustive';
    it(`${m}: a check that throws names the file and the invariant`, () => {
      const f = mod(`throws-${m}`, "if (s.x >= 1) throw new TypeError('boom'); return null;");
      usageError(run('check', '--model', 'lostupdate', '--load', f, ...mode), new RegExp(`--load .*throws-${m}\\.mjs:\\d+:\\d+: invariant throws-${m}: check threw TypeError: boom`));
    });

    it(`${m}: a check that returns neither null nor a string`, () => {
      for (const [i, ret] of (['undefined', '42', 'true', '{ bad: 1 }'] as const).entries()) {
        const f = mod(`returns-${m}-${i}`, `return s.x >= 1 ? ${ret} : null;`);
        usageError(run('check', '--model', 'lostupdate', '--load', f, ...mode), new RegExp(`invariant returns-${m}-${i}: check returned .*; expected null \\(the invariant holds\\) or a string`));
      }
    });
  }

  it('a throwing witness', () => {
    const f = mod('witness-throws', 'return null;', ", witness: { title: 'w', reached: () => { throw new Error('wit'); } }");
    usageError(run('check', '--model', 'lostupdate', '--load', f), /invariant witness-throws: witness\.reached threw Error: wit/);
  });

  it('the engine id "deadlock" is reserved', () => {
    const f = join(tmp, 'deadlock.mjs');
    writeFileSync(f, `export const model = 'lostupdate';
export default { id: 'deadlock', title: 't', source: 'test', kind: 'state', check: () => null };
`);
    usageError(run('check', '--model', 'lostupdate', '--load', f), /--load ".*deadlock\.mjs": the default export has id "deadlock", which the engine reserves/);
    usageError(run('list', '--load', f), /reserves/);
  });

  it('a module that throws while it loads', () => {
    const f = join(tmp, 'load-throws.mjs');
    writeFileSync(f, "throw new Error('at load');\n");
    usageError(run('list', '--load', f), /--load ".*load-throws\.mjs": cannot load it as a module: at load/);
  });

  it('a check that returns a string is a violation, as documented', () => {
    const f = mod('says', "return s.x >= 1 ? 'x reached 1' : null;");
    const r = run('check', '--model', 'lostupdate', '--load', f, '--invariant', 'says');
    expect(r.code).toBe(1);
    expect(r.out).toContain('x reached 1');
  });
});

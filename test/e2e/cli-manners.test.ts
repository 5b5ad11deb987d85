/**
 * CLI manners: --help, COMMAND --help and --version print and exit 0; the
 * reproduce line keeps every flag that changes the result and reproduces it;
 * --por on a model without independent actions says so.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FLAG_COMMANDS, COMMANDS } from '../../explorer/cli/args.js';
import { main, type Io } from '../../explorer/cli/cli.js';

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => (out += s), err: (s) => (err += s), isTTY: false };
  return { code: main(argv, io), out, err };
}

describe('--help and --version', () => {
  it('luocheck --help names every command and the exit codes', () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const r = run(...argv);
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      for (const c of COMMANDS) expect(r.out).toContain(`luocheck ${c}`);
      expect(r.out).toMatch(/exit codes: 0 ok, 1 violation .* 2 bad input, 3 a bound stopped the run/);
    }
  });

  it('COMMAND --help lists exactly the flags that command accepts', () => {
    for (const c of COMMANDS) {
      for (const argv of [[c, '--help'], ['help', c], [c, '--model', 'bench', '--help']]) {
        const r = run(...argv);
        expect(r.code).toBe(0);
        const listed = [...r.out.matchAll(/^ {2}(--[\w-]+)/gm)].map((m) => m[1]);
        expect(listed.sort()).toEqual(Object.keys(FLAG_COMMANDS).filter((f) => FLAG_COMMANDS[f]!.includes(c)).sort());
      }
    }
  });

  it('--version prints the package version', () => {
    const r = run('--version');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`luocheck ${JSON.parse(readFileSync('package.json', 'utf8')).version}\n`);
  });
});

describe('the reproduce line', () => {
  it('keeps --invariant, --continue, --symmetry and --por, and reproduces the same violations', () => {
    const r = run('check', '--model', 'lostupdate', '--scope', 'three', '--invariant', 'no-lost-update', '--continue', '--symmetry', '--por', '--format', 'json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    for (const f of ['--invariant no-lost-update', '--continue', '--symmetry', '--por']) expect(j.command).toContain(f);
    const again = run(...j.command.replace(/^luocheck /, '').split(' '), '--format', 'json');
    expect(again.code).toBe(1);
    const k = JSON.parse(again.out);
    expect(k.command).toBe(j.command);
    expect(k.violations).toEqual(j.violations);
    expect(k.stats.distinctStates).toBe(j.stats.distinctStates);
  });
});

describe('--por', () => {
  it('on a model that declares no independent actions, says so in the report', () => {
    const r = run('check', '--model', 'twophase', '--por');
    expect(r.code).toBe(0);
    expect(r.out).toContain('note: --por did nothing: model twophase declares no independent actions, so every state was expanded in full');
    expect(JSON.parse(run('check', '--model', 'twophase', '--por', '--format', 'json').out).notes).toHaveLength(1);
  });

  it('on a model that has them, no note', () => {
    const r = run('check', '--model', 'lostupdate', '--variant', 'fixed', '--por');
    expect(r.out).not.toContain('note:');
  });
});

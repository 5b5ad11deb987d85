import { describe, expect, it } from 'vitest';
import { wrap, wrapCommand } from '../../explorer/render/wrap.js';
import fc from 'fast-check';
import { run, violatingCases } from './helpers.js';

describe('wrapping at 72 columns', () => {
  it('never writes a line over the width, and keeps every word', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 120 }).map((s) => s.replace(/\s/g, 'x')), { minLength: 1, maxLength: 30 }), fc.integer({ min: 10, max: 80 }), (words, width) => {
        const lines = wrap(words.join(' '), width, '12. ', '      ');
        for (const l of lines) expect(l.length).toBeLessThanOrEqual(width);
        expect(lines[0]!.startsWith('12. ')).toBe(true);
        expect(lines.join('').slice(4).replace(/\s/g, '')).toBe(words.join(''));
      }),
    );
  });

  it('wraps a command with backslashes that the shell joins back', () => {
    const cmd = `luocheck check --model iommufd --scope ${'x'.repeat(90)} --variant v2 --set hwptCount=two-pass --set seals=cached`;
    const lines = wrapCommand(cmd, 72, '  ');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(72);
    // The shell removes backslash-newline; a continuation line's indent separates words.
    const joined = lines.join('\n').replace(/ \\\n\s*/g, ' ').replace(/\\\n/g, '');
    expect(joined.trim()).toBe(cmd);
  });
});

describe('--format email', () => {
  const cases = violatingCases();
  it('has known-bug cases to render', () => expect(cases.length).toBeGreaterThanOrEqual(2));
  for (const c of cases) {
    it(`${c.model} ${c.id}: 72 columns, numbered steps, source, reproduce command`, () => {
      const r = run('check', ...c.args, '--format', 'email');
      expect(r.code).toBe(1);
      const lines = r.out.trimEnd().split('\n');
      for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(72);
      expect(r.out).toMatch(/^ ?1\. \S+: /m);
      expect(r.out).toMatch(/^Source:/m);
      const j = JSON.parse(run('check', ...c.args, '--format', 'json').out);
      const v = j.violations[0];
      expect(r.out.replace(/\n\s*/g, ' ')).toContain(v.source);
      for (let i = 1; i <= v.length; i++) expect(r.out).toMatch(new RegExp(`^ *${i}\\. ${v.trace[i].process}: `, 'm'));
      expect(r.out).toContain('Reproduce with:\n  luocheck check --model');
      expect(r.out).toMatch(/^Broken: /m);
    });
  }

  it('pins the lost update (two threads, race and interleaving)', () => {
    const r = run('check', '--model', 'lostupdate', '--format', 'email');
    expect(r.out).toMatch(/^T\d {33}\| T\d\n-{35}\+-{35}$/m);
    expect(r.out).toMatchSnapshot();
  });

  it('pins the count race, with the switches that differ from fixed', () => {
    const r = run('check', '--model', 'preserverace', '--variant', 'fixed', '--set', 'count=two-pass', '--format', 'email');
    expect(r.out.replace(/\s+/g, ' ')).toContain('differs from fixed: count=two-pass');
    expect(r.out).toMatchSnapshot();
  });

  it('states the size before and after shrinking for a random walk', () => {
    const r = run('check', '--model', 'lostupdate', '--mode', 'random', '--seed', '3', '--walk-length', '40', '--format', 'email');
    expect(r.out.replace(/\s+/g, ' ')).toContain('Trace: 4 steps, 2 context switches (shrunk from 7 steps, 3 switches); random search.');
  });

  it('says so in one paragraph when nothing is violated', () => {
    const r = run('check', '--model', 'lostupdate', '--variant', 'fixed', '--format', 'email');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^luocheck: no violation of no-lost-update in model lostupdate/);
  });
});

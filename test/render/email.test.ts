import { describe, expect, it } from 'vitest';
import { breakPieces, words, wrap, wrapCommand } from '../../explorer/render/wrap.js';
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

  it('breaks a JSON value only after a comma outside its strings, never inside a key or a string', () => {
    const key = fc.stringMatching(/^[a-z_]{1,12}$/);
    const value = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.stringMatching(/^[a-z|, ]{0,10}$/), fc.array(fc.integer({ min: -1, max: 99 }), { maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 24, max: 80 }), (objs, width) => {
        const json = JSON.stringify({ hwpt_array: objs, overflow: false });
        const lines = wrap(`blob: null → ${json}, threads.T1.pc: "P2" → "P3a"`, width, ' 3. ', '      ');
        for (const l of lines) {
          expect(l.length).toBeLessThanOrEqual(width);
          expect((l.match(/"/g) ?? []).length % 2, l).toBe(0);
        }
        // Where every member fits on a line (the longest is 45 columns), every break in the JSON comes after a comma.
        if (width - 6 >= 45) {
          const inJson = lines.map((l) => l.trim()).filter((l) => l.includes('"') && !l.includes('threads.'));
          for (const l of inJson.slice(0, -1)) if (!l.endsWith('→')) expect(l, l).toMatch(/,$/);
        }
        expect(lines.map((l) => l.trim()).join('').replace(/\s/g, '')).toContain(json.replace(/\s/g, ''));
        // Each JSON string is on one line, its spaces as they were.
        for (const str of json.match(/"(?:[^"\\]|\\.)*"/g) ?? []) expect(lines.some((l) => l.includes(str)), str).toBe(true);
      }),
    );
  });

  it('keeps a JSON string with spaces in one word, and splits prose with a stray quote as usual', () => {
    expect(words('devices.dev1.contextEntry: "hwpt1 tables" → "hwpt2  tables", x')).toEqual(['devices.dev1.contextEntry:', '"hwpt1 tables"', '→', '"hwpt2  tables",', 'x']);
    expect(words('a "stray quote and more words')).toEqual(['a', '"stray', 'quote', 'and', 'more', 'words']);
    expect(words('{"a b":"c \\" d"} e')).toEqual(['{"a b":"c \\" d"}', 'e']);
    const lines = wrap('1. T1: step — devices.dev1.contextEntry: "hwpt1 tables" → "hwpt2 tables"', 48);
    expect(lines).toEqual(['1. T1: step — devices.dev1.contextEntry:', '"hwpt1 tables" → "hwpt2 tables"']);
  });

  it('wraps the count-race blob between its members, as the email shows it', () => {
    const blob = '{"nr_hwpts":2,"hwpt_array":[{"token":0,"domain":0},{"token":0,"domain":0}],"overflow":false}';
    expect(breakPieces(blob)).toEqual(['{"nr_hwpts":2,', '"hwpt_array":[{"token":0,', '"domain":0},', '{"token":0,', '"domain":0}],', '"overflow":false}']);
    expect(breakPieces('{"a,b":"x\\",y",c:1}')).toEqual(['{"a,b":"x\\",y",', 'c:1}']);
    const lines = wrap(`T1: iommufd_preserve P2: kho_alloc_preserve(blob) — blob: null → ${blob}, threads.T1.pc: "P2" → "P3a"`, 72, ' 3. ', '      ');
    expect(lines).toEqual([
      ' 3. T1: iommufd_preserve P2: kho_alloc_preserve(blob) — blob: null →',
      '      {"nr_hwpts":2,"hwpt_array":[{"token":0,"domain":0},{"token":0,',
      '      "domain":0}],"overflow":false}, threads.T1.pc: "P2" → "P3a"',
    ]);
    // A piece longer than a line is still split, so no line exceeds the width.
    for (const l of wrap(`x ${'"k":'.repeat(30)}`, 20)) expect(l.length).toBeLessThanOrEqual(20);
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
      // Link: lines are URLs, never broken (kernel style); every other line fits.
      for (const l of lines.filter((x) => !x.startsWith('Link: https://lore.kernel.org/all/'))) expect(l.length, l).toBeLessThanOrEqual(72);
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

  it('pins the count race, with the switches as given, in plain ASCII', () => {
    const r = run('check', '--model', 'preserverace', '--variant', 'fixed', '--set', 'count=two-pass', '--format', 'email');
    expect(r.out.replace(/\s+/g, ' ')).toContain('Model: preserverace, --scope tiny --variant fixed --set count=two-pass');
    expect(r.out).not.toContain('differs from fixed');
    expect(r.out).toMatch(/^[\x00-\x7f]*$/);
    expect(r.out).toMatchSnapshot();
  });

  it('states the size before and after shrinking for a random walk', () => {
    const r = run('check', '--model', 'lostupdate', '--mode', 'random', '--seed', '3', '--walk-length', '40', '--format', 'email');
    expect(r.out.replace(/\s+/g, ' ')).toContain('Trace: 4 steps, 2 context switches (shrunk from 7 steps, 3 switches); random search, seed 3.');
  });

  it('says so in one paragraph when nothing is violated', () => {
    const r = run('check', '--model', 'lostupdate', '--variant', 'fixed', '--format', 'email');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^luocheck: no violation of no-lost-update in model lostupdate/);
  });
});

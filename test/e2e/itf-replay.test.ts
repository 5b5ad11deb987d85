/**
 * Traces that always replay: the ITF trace of every known-bug case of every
 * model, and of random and fast-check runs, declares the same variables in
 * every state with one type per place, and `luocheck replay` reproduces it
 * (exit 0). A trace with steps after the violation is refused.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeStates } from '../../explorer/render/itf.js';
import { fromItf } from '../../explorer/traces/itf-read.js';
import { run, violatingCases } from '../render/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'luocheck-itf-'));

/** The type of an ITF value, with Option and sum tags kept, record fields sorted. */
function typeOf(v: unknown): string {
  if (Array.isArray(v)) return `List(${[...new Set(v.map(typeOf))].sort().join('|')})`;
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  const r = v as Record<string, unknown>;
  if (typeof r['#bigint'] === 'string') return 'number';
  if (typeof r['tag'] === 'string' && 'value' in r && Object.keys(r).length === 2) return `Tagged(${r['tag'] === 'None' || r['tag'] === 'Some' ? 'Option' : 'Sum'})`;
  return `{${Object.keys(r).sort().map((k) => `${k}:${typeOf(r[k])}`).join(',')}}`;
}

/** Every place of a state, with its type (list elements merged into one place). */
function places(v: unknown, path: string, out: Map<string, Set<string>>): void {
  const t = typeOf(v);
  const set = out.get(path) ?? out.set(path, new Set()).get(path)!;
  if (t.startsWith('List(')) {
    set.add('List');
    for (const x of v as unknown[]) places(x, `${path}[]`, out);
  } else if (t.startsWith('{')) {
    set.add(`Rec{${Object.keys(v as object).sort().join(',')}}`);
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) places(x, `${path}.${k}`, out);
  } else if (t.startsWith('Tagged(')) {
    set.add(t);
    const r = v as { tag: string; value: unknown };
    if (r.tag !== 'None' && r.tag !== 'Absent') places(r.value, `${path}<${t === 'Tagged(Option)' ? 'Some' : r.tag}>`, out);
  } else set.add(t);
}

function expectOneTypePerPlace(file: string): void {
  const t = JSON.parse(readFileSync(file, 'utf8')) as { vars: string[]; states: Record<string, unknown>[] };
  expect(t.states.length).toBeGreaterThan(0);
  const types = new Map<string, Set<string>>();
  for (const s of t.states) {
    expect(Object.keys(s).filter((k) => k !== '#meta').sort(), file).toEqual([...t.vars].sort());
    for (const v of t.vars) places(s[v], v, types);
  }
  for (const [place, set] of types) expect([...set], `${file}: ${place}`).toHaveLength(1);
}

function itfThenReplay(name: string, args: string[], expectCode = 1): string {
  const f = join(tmp, `${name}.itf.json`);
  const c = run('check', ...args, '--format', 'itf', '--out', f);
  expect(c.code, c.err).toBe(expectCode);
  expectOneTypePerPlace(f);
  const r = run('replay', f);
  expect(r.err, name).toBe('');
  expect(r.code, `${name}: ${r.out}`).toBe(0);
  expect(r.out).toContain('reproduced: ');
  return f;
}

describe('every known-bug case: --format itf, then luocheck replay exits 0', () => {
  const cases = violatingCases();
  it('there are cases, and some cross kexec', () => {
    expect(cases.length).toBeGreaterThan(10);
  });
  for (const c of cases) {
    it(`${c.model} ${c.id}`, () => {
      itfThenReplay(`${c.model}-${c.id}`, c.args);
    });
  }
});

describe('random and pbt traces replay too', () => {
  it('a random walk that finds the lost update', () => {
    itfThenReplay('random', ['--model', 'lostupdate', '--mode', 'random', '--seed', '7', '--runs', '200', '--walk-length', '40']);
  });
  it('a fast-check run that finds the lost update', () => {
    itfThenReplay('pbt', ['--model', 'lostupdate', '--mode', 'pbt', '--seed', '7', '--runs', '200', '--walk-length', '40']);
  });
  it('a random walk on the iommufd count race (v2)', () => {
    itfThenReplay('random-iommufd', ['--model', 'iommufd', '--scope', 'count-race', '--variant', 'v2', '--mode', 'random', '--seed', '1', '--runs', '5000', '--walk-length', '60']);
  });
});

describe('the ITF encoding', () => {
  it('gives a place that changes kind, or is missing or null in some states, one type, and reads it back exactly', () => {
    const views = [
      { a: 1, o: null, m: { x: 1 }, k: 0, l: [{ p: 1 }, { p: 1, q: 's' }] },
      { a: 2, o: 'h1', m: { x: 1, y: true }, k: 'hwpt1', l: [] },
      { a: 3, o: null, extra: [1], m: { x: 2 }, k: 0, l: [{ p: 2, q: 't' }] },
    ];
    const { states, vars, absent } = encodeStates(views);
    expect(vars.sort()).toEqual(['a', 'extra', 'k', 'l', 'm', 'o']);
    expect(states[0]!['o']).toEqual({ tag: 'None', value: { '#tup': [] } });
    expect(states[1]!['o']).toEqual({ tag: 'Some', value: 'h1' });
    expect(states[0]!['k']).toEqual({ tag: 'Int', value: 0 });
    expect(states[1]!['k']).toEqual({ tag: 'Str', value: 'hwpt1' });
    expect(states[0]!['extra']).toEqual({ tag: 'None', value: { '#tup': [] } });
    expect(absent).toEqual(expect.arrayContaining([['extra'], ['m', 'y'], ['l', '[]', 'q']]));
    const back = states.map((s) => Object.fromEntries(vars.flatMap((v) => {
      const x = fromItf(s[v], [v], new Set(absent.map((p) => p.join('\u0000'))));
      return x === undefined ? [] : [[v, x]];
    })));
    expect(back).toEqual(views);
  });
});

describe('replay refuses what is not the counterexample', () => {
  it('a trace with a step after the violation exits 1 and says so', () => {
    const f = itfThenReplay('extra', ['--model', 'lostupdate']);
    const t = JSON.parse(readFileSync(f, 'utf8'));
    t.states.push({ ...t.states[t.states.length - 1], '#meta': { index: t.states.length, process: 'T1' } });
    const g = join(tmp, 'extra-edited.itf.json');
    writeFileSync(g, JSON.stringify(t));
    const r = run('replay', g);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/does not replay: step \d+ already violates no-lost-update, but the trace has 1 more step after it/);
  });
});

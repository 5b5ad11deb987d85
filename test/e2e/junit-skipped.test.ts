/**
 * JUnit: an invariant the search did not check to the end (it stopped at the
 * first violation, or at a bound) is <skipped/> with the reason, never a pass.
 */
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../explorer/cli/cli.js';

function junit(...argv: string[]): { code: number; xml: string } {
  let out = '';
  const io: Io = { out: (s) => (out += s), err: () => {}, isTTY: false };
  const code = main(['check', ...argv, '--format', 'junit'], io);
  return { code, xml: out };
}

/** name -> 'passed' | 'failure' | 'skipped: reason' for each test case. */
function cases(xml: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of xml.matchAll(/<testcase [^>]*name="([^"]+)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = m[3] ?? '';
    const skipped = /<skipped message="([^"]*)"\/>/.exec(body);
    out[m[1]!] = body.includes('<failure') ? 'failure' : body.includes('<error') ? 'error' : skipped ? `skipped: ${skipped[1]}` : 'passed';
  }
  return out;
}

const COUNT_RACE = ['--model', 'iommufd', '--scope', 'count-race', '--variant', 'fixed', '--set', 'hwptCount=two-pass'];

describe('JUnit skipped', () => {
  it('after the first violation, the other invariants are skipped with the reason', () => {
    const r = junit(...COUNT_RACE);
    expect(r.code).toBe(1);
    const c = cases(r.xml);
    expect(c['blob-count-matches']).toBe('failure');
    const others = Object.entries(c).filter(([k]) => k !== 'blob-count-matches' && k !== 'exploration');
    expect(others.length).toBeGreaterThan(3);
    for (const [, v] of others) expect(v).toBe('skipped: not checked to the end: the search stopped at the first violation (blob-count-matches); --continue checks the others');
    expect(r.xml).toMatch(new RegExp(`<testsuite [^>]*failures="1" errors="0" skipped="${others.length}"`));
  });

  it('with --continue, an invariant that holds passes', () => {
    const c = cases(junit(...COUNT_RACE, '--continue').xml);
    expect(c['blob-count-matches']).toBe('failure');
    expect(Object.values(c).some((v) => v.startsWith('skipped'))).toBe(false);
    expect(Object.values(c).filter((v) => v === 'passed').length).toBeGreaterThan(3);
  });

  it('a bound skips every invariant not violated, with the bound named', () => {
    const r = junit('--model', 'bench', '--max-states', '10');
    expect(r.code).toBe(3);
    const c = cases(r.xml);
    expect(c['exploration']).toBe('error');
    const inv = Object.entries(c).filter(([k]) => k !== 'exploration');
    expect(inv.length).toBeGreaterThan(0);
    for (const [, v] of inv) expect(v).toBe('skipped: not checked to the end: the search was stopped by max-states before the space was explored');
  });

  it('a complete run passes every invariant', () => {
    const c = cases(junit('--model', 'twophase').xml);
    expect(Object.values(c).every((v) => v === 'passed')).toBe(true);
  });
});

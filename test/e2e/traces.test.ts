import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invariantsOf } from '../../explorer/cli/list.js';
import { iommufdSpec } from '../../model/iommufd/index.js';
import { run } from '../render/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'luocheck-traces-'));
// Replay is generic: the fixture model pins exact step numbers and labels;
// the iommufd count race (5.2, v2 as posted) is replayed below too.
const COUNT_RACE = ['--model', 'preserverace', '--variant', 'fixed', '--set', 'count=two-pass'];
const IOMMUFD_COUNT_RACE = ['--model', 'iommufd', '--scope', 'count-race', '--variant', 'v2'];

function save(format: string, name: string): string {
  const f = join(tmp, name);
  expect(run('check', ...COUNT_RACE, '--format', format, '--out', f).code).toBe(1);
  return f;
}

describe('luocheck replay of json and itf traces', () => {
  for (const format of ['json', 'itf']) {
    it(`replays a saved ${format} trace: each step with its state diff, exit 0`, () => {
      const f = save(format, `count.${format}`);
      const r = run('replay', f);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toContain('#10 T2: IOMMU_DESTROY h1');
      expect(r.out).toMatch(/#10 T2: IOMMU_DESTROY h1\n\s+hwpts\[1\]\.alive: true => false/);
      expect(r.out).toContain('reproduced: blob-count-matches (state): the new kernel walks nr_hwpts = 2 blob entries but only 1 were written');
    });
  }

  it('an itf trace edited to skip a step exits 1 and names the step', () => {
    const t = JSON.parse(readFileSync(save('itf', 'skip.itf.json'), 'utf8'));
    t.states.splice(7, 1);
    const g = join(tmp, 'skip-edited.itf.json');
    writeFileSync(g, JSON.stringify(t));
    const r = run('replay', g);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/does not replay: step 7: /);
  });

  it('a json trace edited to drop the destroy exits 1 and names the step that no longer runs', () => {
    const j = JSON.parse(readFileSync(save('json', 'drop.json'), 'utf8'));
    j.violations[0].trace.splice(10, 1);
    const g = join(tmp, 'drop-edited.json');
    writeFileSync(g, JSON.stringify(j));
    const r = run('replay', g);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/does not replay: step 10: "T1: P4: PRESERVE_FD returns 0" is not enabled; enabled: T1: P3: preserve h1/);
  });

  for (const format of ['json', 'itf']) {
    it(`replays the iommufd count race from a saved ${format} trace, and not with the destroy skipped`, () => {
      const f = join(tmp, `iommufd-count.${format}`);
      expect(run('check', ...IOMMUFD_COUNT_RACE, '--format', format, '--out', f).code).toBe(1);
      const r = run('replay', f);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/#9 T2: IOMMU_DESTROY hwpt2\n\s+hwpts\.hwpt2\.alive: true => false/);
      expect(r.out).toContain('reproduced: blob-count-matches (state): the published blob has nr_hwpts = 2 but 1 HWPT(s) are preserved');
      const t = JSON.parse(readFileSync(f, 'utf8'));
      if (format === 'itf') t.states.splice(9, 1);
      else t.violations[0].trace.splice(9, 1);
      const g = join(tmp, `iommufd-count-skip.${format}`);
      writeFileSync(g, JSON.stringify(t));
      const bad = run('replay', g);
      expect(bad.code).toBe(1);
      expect(bad.out).toMatch(/does not replay: step 9: "T1: iommufd_preserve P4: no marked HWPT left, return blob" is not enabled; enabled: .*T2: IOMMU_DESTROY hwpt2/);
    });
  }

  it('reports the race and both sizes in the json report', () => {
    const j = JSON.parse(run('check', ...COUNT_RACE, '--format', 'json').out);
    const v = j.violations[0];
    expect(v.race).toMatchObject({ first: 7, second: 10 });
    expect(v.trace[v.race.first].action).toMatch(/P1: count marked HWPTs/);
    expect(v.trace[v.race.second].action).toBe('IOMMU_DESTROY h1');
    expect(v.unshrunk).toEqual({ length: 12, contextSwitches: 3 });
    expect(v).toMatchObject({ length: 12, contextSwitches: 3, switchesMinimal: true });
    expect(j.fixedVariant).toEqual({ count: 'stable' });
  });
});

describe('bad trace input: exit 2, one line', () => {
  const cases: [() => string[], RegExp][] = [
    [() => ['check', '--format', 'pdf'], /--format "pdf": accepted: text, json, itf, junit, email, kselftest, mermaid, html or dot/],
    [() => ['list', '--format', 'email'], /--format "email" for list: accepted: text or json/],
    [() => { const f = join(tmp, 'bad.itf.json'); writeFileSync(f, JSON.stringify({ '#meta': {}, vars: [], states: [{}] })); return ['replay', f]; }, /malformed ITF: "#meta.luocheck"/],
    [() => { const f = join(tmp, 'neither.json'); writeFileSync(f, '{"a": 1}'); return ['replay', f]; }, /expected a JSON report .* or an ITF trace/],
    [() => ['list', '--load', join(tmp, 'nope.mjs')], /--load ".*nope\.mjs" does not exist; accepted: a \.mjs, \.js or \.cjs file/],
    [() => { const f = join(tmp, 'inv.txt'); writeFileSync(f, 'export default {}'); return ['list', '--load', f]; }, /is not a JavaScript module; accepted: a \.mjs, \.js or \.cjs file/],
    [() => ['list', '--load', tmp], /is not a file/],
    [() => { const f = join(tmp, 'throws.mjs'); writeFileSync(f, 'throw new Error("boom\\nsecond line");'); return ['list', '--load', f]; }, /cannot load it as a module: boom\n$/],
    [() => { const f = join(tmp, 'nomodel.mjs'); writeFileSync(f, 'export default {};'); return ['list', '--load', f]; }, /export "model" = undefined; accepted: iommufd, bench, twophase, lostupdate or preserverace$/m],
    [() => { const f = join(tmp, 'nocheck.mjs'); writeFileSync(f, 'export const model = "lostupdate"; export default [{ id: "a-b", title: "t", source: "s", kind: "state" }];'); return ['list', '--load', f]; }, /default export item 0 \(a-b\) has no "check" function/],
    [() => { const f = join(tmp, 'dup.mjs'); writeFileSync(f, 'export const model = "lostupdate"; export default { id: "no-lost-update", title: "t", source: "s", kind: "state", check: () => null };'); return ['list', '--load', f]; }, /invariant id "no-lost-update" is already used by model lostupdate/],
  ];
  for (const [argv, re] of cases) {
    it(re.source.slice(0, 60), () => {
      const r = run(...argv());
      expect(r.code).toBe(2);
      expect(r.err).toMatch(re);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.out).toBe('');
    });
  }
});

describe('--load: an invariant written from docs/writing-an-invariant.md', () => {
  const doc = readFileSync('docs/writing-an-invariant.md', 'utf8');
  const m = /<!-- example: (\S+) -->\n```js\n([\s\S]*?)```/.exec(doc);
  const file = join(tmp, m?.[1] ?? 'missing.mjs');
  if (m) writeFileSync(file, m[2]!);

  it('the doc has the example file', () => expect(m?.[1]).toBe('x-only-grows.mjs'));

  it('appears in luocheck list with its source, only when loaded', () => {
    const r = run('list', '--load', file);
    expect(r.code).toBe(0);
    expect(r.out).toContain('x-only-grows [step] No store makes the counter smaller');
    expect(r.out).toContain('source: docs/writing-an-invariant.md (example)');
    expect(run('list').out).not.toContain('x-only-grows');
    const j = JSON.parse(run('list', '--format', 'json', '--load', file).out);
    expect(j.find((x: { model: string }) => x.model === 'lostupdate').invariants.map((i: { id: string }) => i.id)).toContain('x-only-grows');
  });

  it('runs in check: violated by three threads without the lock, holds with it', () => {
    const bad = run('check', '--model', 'lostupdate', '--scope', 'three', '--load', file, '--invariant', 'x-only-grows', '--format', 'email');
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^x-only-grows: No store makes the counter smaller/);
    expect(bad.out).toMatch(/Broken: a store took x from 2 down to 1\./);
    const cmd = bad.out.slice(bad.out.indexOf('Reproduce with:')).replace(/ \\\n\s*/g, ' ').replace(/\\\n/g, '');
    expect(cmd).toContain(`--invariant x-only-grows --load ${file}`);
    const ok = run('check', '--model', 'lostupdate', '--scope', 'three', '--set', 'lock=on', '--load', file, '--invariant', 'x-only-grows');
    expect(ok.code).toBe(0);
    const all = JSON.parse(run('check', '--model', 'lostupdate', '--load', file, '--format', 'json').out);
    expect(all.checked).toEqual(['no-lost-update', 'x-only-grows']);
  });

  it('replays with the same --load, and explain shows it', () => {
    const f = join(tmp, 'grows.itf.json');
    expect(run('check', '--model', 'lostupdate', '--scope', 'three', '--load', file, '--invariant', 'x-only-grows', '--format', 'itf', '--out', f).code).toBe(1);
    expect(run('replay', f, '--load', file).code).toBe(0);
    expect(run('replay', f).out).toContain('does not replay: the model has no invariant "x-only-grows"');
    const e = run('explain', 'x-only-grows', '--load', file);
    expect(e.code).toBe(0);
    expect(e.out).toContain('Every thread adds one to the counter');
    expect(e.out).toMatch(/two: reached\n\s+three: reached/);
  });

  it.skipIf(!existsSync('dist/explorer/cli/luocheck.js'))('loads through the built CLI too', () => {
    const r = spawnSync(process.execPath, ['dist/explorer/cli/luocheck.js', 'list', '--load', file], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('x-only-grows [step]');
  });
});

describe('luocheck explain', () => {
  const inv = invariantsOf(iommufdSpec).find((i) => i.id === 'blob-count-matches')!;
  const explained = run('explain', 'blob-count-matches');

  it('gives statement, source, kind, the scopes with a witness and the violating cases', () => {
    const r = explained;
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^blob-count-matches \(state, model iommufd\): The published iommufd blob counts exactly the preserved HWPTs\n/);
    expect(inv.statement).toMatch(/nr_hwpts/);
    expect(r.out).toContain(`\n${inv.statement}\n`);
    expect(r.out).toContain("source: Pranjal Shrivastava, 20 May 2026, 'Re: [PATCH v2 13/16] iommufd: Persist iommu hardware pagetables for live update', a reply to <20260427175633.1978233-14-skhawaja@google.com>");
    expect(r.out).toContain(`witness (must be reachable): ${inv.witness!.title}`);
    expect(r.out).toMatch(/in the scopes of iommufd, variant fixed, exhaustive, up to 100,000 states each:\n/);
    expect(r.out).toMatch(/\n {4}count-race: reached\n/);
    const cases = [...r.out.matchAll(/^ {2}(\S+) \[race\]: luocheck (check .*)$/gm)];
    expect(cases.map((m) => m[1])).toEqual(['5.2-count-race', '5.2-count-race-v2']);
    expect(cases[0]![2]).toBe('check --model iommufd --scope count-race --variant fixed --set hwptCount=two-pass');
    for (const m of cases) {
      const c = run(...m[2]!.split(' '), '--format', 'json');
      expect(c.code, m[2]).toBe(1);
      expect(JSON.parse(c.out).violations[0].invariant).toBe('blob-count-matches');
    }
  });

  it('says when a scope is explored without reaching the witness', () => {
    const list = explained.out.slice(explained.out.indexOf('states each:\n'), explained.out.indexOf('violated in:'));
    const scopes = [...list.matchAll(/^ {4}([\w-]+): (.+)$/gm)].map((m) => [m[1], m[2]]);
    expect(scopes.map(([s]) => s)).toEqual(Object.keys(iommufdSpec.scopes));
    expect(Object.fromEntries(scopes)).toMatchObject({ 'count-race': 'reached', 'shared-ioas': 'unreachable', 'cached-seals': 'unreachable' });
    const r = run('explain', 'no-lost-update', '--max-states', '5000');
    expect(r.out).toMatch(/up to 5,000 states each:\n/);
    expect(r.out).toMatch(/two: reached/);
    // A bound too small for the witness says what stopped the search, the same on every machine.
    expect(run('explain', 'blob-count-matches', '--max-states', '1').out).toMatch(/count-race: not reached before max-states stopped the search/);
  });
});

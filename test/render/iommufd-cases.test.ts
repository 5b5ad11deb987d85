/**
 * Every known-bug case of the iommufd model (iommufdSpec.cases) through
 * --format email, as a reviewer would paste it: 72 columns, numbered steps,
 * the invariant's source (author, date, subject, Message-ID) with one lore
 * Link: line per Message-ID, JSON values never
 * broken inside a string, and a reproduce command that does reproduce it.
 * The count race (5.2) names the preserve count step P1 and the
 * IOMMU_DESTROY as its race, with the fewest context switches.
 */
import { describe, expect, it } from 'vitest';
import type { KnownCase } from '../../explorer/spec.js';
import { loreLink, messageIds } from '../../explorer/render/links.js';
import { iommufdSpec } from '../../model/iommufd/index.js';
import { run } from './helpers.js';


/** The command-line flags that run a case: its switches on top of fixed. */
function caseArgs(c: KnownCase): string[] {
  return ['--model', 'iommufd', '--scope', c.scope, '--variant', 'fixed', ...Object.entries(c.set).flatMap(([k, v]) => ['--set', `${k}=${v}`])];
}

/** The command after "Reproduce with:", with its shell continuations joined. */
function reproduceCommand(email: string): string {
  const at = email.indexOf('Reproduce with:\n');
  expect(at, 'a "Reproduce with:" section').toBeGreaterThan(0);
  return email.slice(at + 'Reproduce with:\n'.length).replace(/ \\\n\s*/g, ' ').replace(/\\\n/g, '').trim();
}

const violating = iommufdSpec.cases!.filter((c) => c.expect === 'violation');

describe('the iommufd known-bug cases through --format email', () => {
  it('has the known-bug cases, each run below', () => {
    // The old-kernel cases at least; the new-kernel ones are run too.
    expect(violating.map((c) => c.id)).toEqual(expect.arrayContaining(['5.2-count-race', '5.3-cached-seals', '5.6-unwind-window', '5.7-map-in-flight', '5.9-group-replace', '5.12-alloc-failure', '5.2-count-race-v2', '5.3-cached-seals-v2']));
    expect(new Set(violating.map((c) => c.id)).size).toBe(violating.length);
    expect(iommufdSpec.cases!.length).toBeGreaterThan(violating.length);
  });

  for (const c of violating) {
    it(`${c.id}: 72 columns, numbered steps, source, no break inside a JSON string, a reproduce command that reproduces`, () => {
      const r = run('check', ...caseArgs(c), '--format', 'email');
      expect(r.code).toBe(1);
      const lines = r.out.trimEnd().split('\n');
      const links = lines.filter((l) => l.startsWith('Link: '));
      for (const l of lines.filter((x) => !links.includes(x))) expect([...l].length, l).toBeLessThanOrEqual(72);
      // A line break inside a JSON string leaves an odd number of quotes on both lines.
      for (const l of lines) expect((l.match(/"/g) ?? []).length % 2, l).toBe(0);
      const v = JSON.parse(run('check', ...caseArgs(c), '--format', 'json').out).violations[0];
      expect(v.invariant).toBe(c.invariant);
      const steps = lines.slice(0, lines.findIndex((l) => l.startsWith('Broken: ')));
      const numbered = steps.filter((l) => /^ *\d+\. [\w-]+: /.test(l)).map((l) => Number(/^ *(\d+)\./.exec(l)![1]));
      expect(numbered).toEqual(Array.from({ length: v.length }, (_, i) => i + 1));
      expect(r.out.replace(/\n\s*/g, ' ')).toContain(`Source: ${v.source}`);
      // One lore link per Message-ID of the source, right after it (kernel style).
      expect(links).toEqual(messageIds(v.source).map((id) => `Link: ${loreLink(id)}`));
      if (links.length > 0) expect(lines[lines.indexOf(links[0]!) + links.length]).toMatch(/^Model: /);
      const cmd = reproduceCommand(r.out);
      expect(cmd).toMatch(new RegExp(`^luocheck check --model iommufd --scope ${c.scope} --variant \\S+( --set \\S+)*$`));
      const again = JSON.parse(run(...cmd.split(' ').slice(1), '--format', 'json').out);
      expect(again.violations[0].invariant).toBe(c.invariant);
      expect(again.violations[0].length).toBe(v.length);
    });
  }

  it('names a Message-ID in the source of every case but those whose invariant is sourced from kernel code', () => {
    const without = violating.filter((c) => {
      const v = JSON.parse(run('check', ...caseArgs(c), '--format', 'json').out).violations[0];
      return messageIds(v.source).length === 0;
    });
    // cancel-restores cites kernel/liveupdate/luo_file.c, not a thread (the oops of 5.7-null-pages, and so of
    // ci-v2 whose shortest violation it is, is reported by it too).
    expect(without.map((c) => c.id)).toEqual(['5.7-null-pages', '5.12-alloc-failure', 'ci-v2']);
  });

  for (const c of iommufdSpec.cases!.filter((x) => x.expect === 'ok')) {
    it(`${c.id}: holds, and says so in one paragraph within 72 columns`, () => {
      const r = run('check', ...caseArgs(c), '--format', 'email');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^luocheck: no violation of /);
      for (const l of r.out.trimEnd().split('\n')) expect([...l].length, l).toBeLessThanOrEqual(72);
    });
  }

  it('names the v2 preset as given in the header, in plain ASCII', () => {
    const r = run('check', '--scope', 'count-race', '--variant', 'v2', '--format', 'email');
    expect(r.out.replace(/\s+/g, ' ')).toContain('Model: iommufd, --scope count-race --variant v2\n'.replace(/\s+/g, ' '));
    expect(r.out).not.toContain('differs from fixed');
    expect(r.out).toMatch(/^[\x00-\x7f]*$/);
  });
});

describe('5.2 count race: the race is the preserve count step P1 and the IOMMU_DESTROY', () => {
  for (const c of violating.filter((x) => x.scope === 'count-race')) {
    it(`${c.id}: found by re-execution, with the fewest context switches`, () => {
      const v = JSON.parse(run('check', ...caseArgs(c), '--format', 'json').out).violations[0];
      expect(v.invariant).toBe('blob-count-matches');
      expect(v.race, 'a race').toBeDefined();
      const [p1, destroy] = [v.trace[v.race.first], v.trace[v.race.second]];
      expect(p1.process).toBe('T1');
      expect(p1.action).toMatch(/^iommufd_preserve P1: count marked HWPTs/);
      expect(destroy.process).toBe('T2');
      expect(destroy.action).toBe('IOMMU_DESTROY hwpt2');
      // T1 runs P0..P3e, T2 destroys, T1 returns: two switches, and no trace of this length has fewer.
      expect(v.contextSwitches).toBe(2);
      expect(v.switchesMinimal).toBe(true);
      expect(v.contextSwitches).toBeLessThanOrEqual(v.unshrunk.contextSwitches);
      const email = run('check', ...caseArgs(c), '--format', 'email').out;
      expect(email.replace(/\s+/g, ' ')).toContain(`The race is between steps ${v.race.first} and ${v.race.second}. With step ${v.race.second} (T2: IOMMU_DESTROY hwpt2) before step ${v.race.first} (T1: iommufd_preserve P1: count marked HWPTs under xa_lock), blob-count-matches holds.`);
      expect(email).toMatch(/^T1 {33}\| T2$/m);
      expect(email).toMatch(/\| \d+\. IOMMU_DESTROY hwpt2 \(race\)$/m);
    });
  }
});

describe('two iommufd emails, pinned', () => {
  // Snapshots: regenerate with `npx vitest run -u test/render/iommufd-cases.test.ts`
  // when the model's traces change on purpose, and read the diff.
  for (const scope of ['count-race', 'cached-seals']) {
    it(`${scope} under v2`, () => {
      const r = run('check', '--model', 'iommufd', '--scope', scope, '--variant', 'v2', '--format', 'email');
      expect(r.code).toBe(1);
      expect(r.out).toMatchSnapshot();
    });
  }
});

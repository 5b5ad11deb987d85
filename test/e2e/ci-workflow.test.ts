/**
 * docs/ci/luocheck.yml is valid YAML (strict: no duplicate keys), has the jobs
 * docs/ci.md describes (the nightly one on a schedule only), and every luocheck command in it parses and names a
 * real model, scope and variant.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parseArgs } from '../../explorer/cli/args.js';
import { resolveScope, resolveVariant, findModel } from '../../explorer/cli/resolve.js';
import { MODELS, DEFAULT_MODEL } from '../../model/registry.js';

const text = readFileSync('docs/ci/luocheck.yml', 'utf8');

/** The luocheck command lines of every `run:` step, with GitHub expressions given sample values. */
function commands(doc: unknown): string[][] {
  const out: string[][] = [];
  const jobs = (doc as { jobs: Record<string, { steps: { run?: string }[] }> }).jobs;
  for (const job of Object.values(jobs)) {
    for (const step of job.steps) {
      if (!step.run) continue;
      const script = step.run.replace(/\\\n\s*/g, ' ').replace(/\$\{\{\s*github\.run_number\s*\}\}/g, '7').replace(/\$\{\{\s*matrix\.shard\s*\}\}/g, '2');
      for (const line of script.split('\n')) {
        const m = /npx luocheck (.*?)(\s*\|\|.*)?$/.exec(line.trim());
        if (m) out.push(m[1]!.split(/\s+/));
      }
    }
  }
  return out;
}

describe('the CI workflow', () => {
  it('runs on the current Node LTS (24) and needs checks: write only where forks do not run it', () => {
    const js = parseDocument(text).toJS() as {
      permissions: Record<string, string>;
      jobs: Record<string, { permissions?: Record<string, string>; steps: { uses?: string; if?: string; with?: Record<string, unknown> }[] }>;
    };
    expect(js.permissions).toEqual({ contents: 'read' });
    for (const job of Object.values(js.jobs)) {
      const node = job.steps.find((s) => s.uses?.startsWith('actions/setup-node'));
      expect(node!.with!['node-version']).toBe(24);
      // The one step that writes checks is skipped on pull requests from forks.
      for (const s of job.steps.filter((x) => x.uses?.startsWith('mikepenz/action-junit-report'))) {
        expect(s.if).toMatch(/github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
      }
    }
  });

  const doc = parseDocument(text, { uniqueKeys: true, strict: true });

  it('is valid YAML with the exhaustive job, a 4-shard random matrix and a nightly job on a schedule only', () => {
    expect(doc.errors).toEqual([]);
    expect(doc.warnings).toEqual([]);
    const js = doc.toJS() as { on: Record<string, unknown>; jobs: Record<string, { if?: string; strategy?: { matrix: { shard: number[] } } }> };
    expect(Object.keys(js.jobs)).toEqual(['exhaustive', 'random', 'nightly']);
    expect(js.jobs['random']!.strategy!.matrix.shard).toEqual([1, 2, 3, 4]);
    expect(Object.keys(js.on)).toEqual(['push', 'pull_request', 'schedule', 'workflow_dispatch']);
    expect(js.jobs['nightly']!.if).toMatch(/github\.event_name == 'schedule'/);
    expect(js.jobs['exhaustive']!.if).toBeUndefined();
  });

  it('passes yamllint with its default rules, where yamllint is installed', () => {
    const r = spawnSync('yamllint', ['--strict', 'docs/ci/luocheck.yml'], { encoding: 'utf8' });
    if (r.error) return; // not installed on this machine (Debian package yamllint)
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('runs only luocheck commands that parse and name real scopes', () => {
    const cmds = commands(doc.toJS());
    // One search per job: every format comes from it.
    expect(cmds).toHaveLength(3);
    for (const argv of cmds) {
      const { check } = parseArgs(argv);
      const spec = findModel(MODELS, check.model ?? DEFAULT_MODEL);
      expect(() => resolveScope(spec, check.scope)).not.toThrow();
      expect(() => resolveVariant(spec, check.variant, check.sets)).not.toThrow();
      expect(check.outs.length).toBeGreaterThanOrEqual(3);
      for (const o of check.outs) expect(o).toMatch(/^reports\//);
      expect(check.formats).toHaveLength(check.outs.length);
      expect(check.formats).toEqual(expect.arrayContaining(['junit', 'email', 'itf']));
    }
    expect(cmds.some((c) => c.includes('--shard') && c.includes('2/4'))).toBe(true);
    expect(cmds.some((c) => c.includes('--scope') && c.includes('nightly') && c.includes('--continue'))).toBe(true);
  });
});

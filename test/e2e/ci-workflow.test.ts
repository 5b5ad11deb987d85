/**
 * docs/ci/luocheck.yml is valid YAML (strict: no duplicate keys), has the jobs
 * docs/ci.md describes, and every luocheck command in it parses and names a
 * real model, scope and variant.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parseArgs } from '../../explorer/args.js';
import { resolveScope, resolveVariant, findModel } from '../../explorer/resolve.js';
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
  const doc = parseDocument(text, { uniqueKeys: true, strict: true });

  it('is valid YAML with the exhaustive job and a 4-shard random matrix', () => {
    expect(doc.errors).toEqual([]);
    expect(doc.warnings).toEqual([]);
    const js = doc.toJS() as { jobs: Record<string, { strategy?: { matrix: { shard: number[] } } }> };
    expect(Object.keys(js.jobs)).toEqual(['exhaustive', 'random']);
    expect(js.jobs['random']!.strategy!.matrix.shard).toEqual([1, 2, 3, 4]);
  });

  it('passes yamllint with its default rules, where yamllint is installed', () => {
    const r = spawnSync('yamllint', ['--strict', 'docs/ci/luocheck.yml'], { encoding: 'utf8' });
    if (r.error) return; // not installed on this machine (Debian package yamllint)
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('runs only luocheck commands that parse and name real scopes', () => {
    const cmds = commands(doc.toJS());
    expect(cmds.length).toBeGreaterThanOrEqual(4);
    for (const argv of cmds) {
      const { check } = parseArgs(argv);
      const spec = findModel(MODELS, check.model ?? DEFAULT_MODEL);
      expect(() => resolveScope(spec, check.scope)).not.toThrow();
      expect(() => resolveVariant(spec, check.variant, check.sets)).not.toThrow();
      expect(check.out).toMatch(/^reports\//);
    }
    expect(cmds.some((c) => c.includes('--shard') && c.includes('2/4'))).toBe(true);
  });
});

/**
 * docs/adding-an-action.md, "Folding it into the tree", done as the page
 * says in a copy of the tree: its TypeScript file and its lines in
 * model/iommufd/extensions/index.ts, nothing else; the copy builds, and its
 * default model finds the same violation the --load file finds, and passes
 * under fixed.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('folding an extension into the tree', () => {
  it('touches two files, builds, and finds the violation the --load file finds', () => {
    const doc = readFileSync(join(ROOT, 'docs/adding-an-action.md'), 'utf8');
    const file = /<!-- tree: (\S+) -->\n```ts\n([\s\S]*?)```/.exec(doc);
    const lines = /<!-- tree-lines: (\S+) -->\n```ts\n([\s\S]*?)```/.exec(doc);
    expect(file).not.toBeNull();
    expect(lines).not.toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'luocheck-fold-'));
    for (const d of ['api', 'model', 'invariants', 'explorer', 'bench', 'docs', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    // The two files the page changes.
    writeFileSync(join(dir, file![1]!), file![2]!);
    const [importLine, listLine] = lines![2]!.trimEnd().split('\n');
    const indexPath = join(dir, lines![1]!);
    const index = readFileSync(indexPath, 'utf8');
    const folded = index
      .replace(/^(export type ExtensionModule)/m, `${importLine}\n\n$1`)
      .replace(/= \[\];\n$/, `= [\n${listLine}\n];\n`);
    expect(folded).not.toBe(index);
    expect(folded.split('\n').length - index.split('\n').length).toBe(4); // the import and the list line (and the list's own lines)
    writeFileSync(indexPath, folded);
    const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: dir, encoding: 'utf8', timeout: 900_000 });
    expect(build.stdout + build.stderr).toBe('');
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(dir, 'dist/explorer/cli/luocheck.js'), ...args], { cwd: dir, encoding: 'utf8', timeout: 900_000 });
    const v2 = cli('check', '--scope', 'dirty-after-preserve', '--variant', 'v2', '--invariant', 'preserved-dirty-tracking-stable');
    expect(v2.status, v2.stderr).toBe(1);
    expect(v2.stdout).toContain('[violation] preserved-dirty-tracking-stable (step): a preserved HWPT keeps the dirty tracking it was preserved with');
    expect(v2.stdout).toContain('T2: IOMMU_HWPT_SET_DIRTY_TRACKING hwpt1 on');
    const fixed = cli('check', '--scope', 'dirty-after-preserve', '--variant', 'fixed');
    expect(fixed.status, fixed.stdout + fixed.stderr).toBe(0);
  }, 900_000);
});

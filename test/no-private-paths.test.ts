/**
 * What ships stands alone: no file of the tree (code, comments, docs,
 * scripts) points a reader at the project's private notes or at files
 * outside the clone (a "../shared" folder, its bench/ or seeds/, the design
 * notes by name). A reader of the list opens the lore link or the file in
 * this tree instead; the benchmark's spec is bench/MODEL.md and SPIN's model
 * is bench/spin/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test } from 'vitest';

const ROOT = process.cwd();
const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage', 'reports', '.git', '.stryker-tmp', 'out']);
const TEXT = /\.(ts|mts|js|mjs|cjs|json|md|sh|yml|yaml|pml|c|h)$|^run$/;
const PRIVATE = /\.\.\/shared\b|\bshared\/(bench|seeds)\b|\b(DOMAIN|DESIGN|STYLE|BENCH_MODEL)\.md\b/;
/** These files spell the pattern out to test it. */
const SELF = new Set(['test/no-private-paths.test.ts', 'test/e2e/no-local-paths.test.ts']);

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (TEXT.test(name)) yield p;
  }
}

test('no file of the tree cites a private note or a path outside the clone', () => {
  const offences: string[] = [];
  let seen = 0;
  for (const f of files(ROOT)) {
    const rel = relative(ROOT, f);
    if (SELF.has(rel)) continue;
    seen++;
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      if (PRIVATE.test(line)) offences.push(`${rel}:${i + 1}: ${line.trim()}`);
    });
  }
  expect(seen).toBeGreaterThan(200);
  expect(offences).toEqual([]);
});

test('the pattern catches what it is for', () => {
  for (const bad of ['see ../shared/bench/README.md', 'shared/seeds/003.txt', 'as DOMAIN.md says', 'BENCH_MODEL.md section 7']) {
    expect(PRIVATE.test(bad), bad).toBe(true);
  }
  for (const ok of ['bench/MODEL.md section 7', 'SharedArrayBuffer', 'a shared IOAS', 'shared/visited']) {
    expect(PRIVATE.test(ok), ok).toBe(false);
  }
});

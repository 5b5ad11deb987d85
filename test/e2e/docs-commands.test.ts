/**
 * The docs' commands run verbatim: every fenced shell block of README.md and
 * docs/ that runs `luocheck` (or `npx luocheck`) is run as written, in a
 * fresh directory holding the files the docs tell the reader to create
 * (the `<!-- example: FILE -->` blocks), with `luocheck` and `npx luocheck`
 * running the built command and `npm` doing nothing. Every luocheck call must
 * exit 0 or 1 (a violation is what several of them show), and say nothing on
 * stderr but progress. ```text blocks (the synopsis) are not commands.
 * docs/writing-an-invariant.md's test snippet is the tree's own test, so it
 * type-checks with the rest.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = resolve('dist/explorer/cli/luocheck.js');

function docFiles(): string[] {
  const out = ['README.md'];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.md')) out.push(join(d, e.name));
    }
  };
  walk('docs');
  return out;
}

interface Block { file: string; line: number; script: string }

function blocks(): Block[] {
  const out: Block[] = [];
  for (const file of docFiles()) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^```([\w-]*)\n([\s\S]*?)^```/gm)) {
      const lang = m[1]!;
      if (!['', 'sh', 'bash', 'shell', 'console'].includes(lang)) continue;
      if (!/^\s*(npx )?luocheck /m.test(m[2]!)) continue;
      out.push({ file, line: text.slice(0, m.index).split('\n').length, script: m[2]! });
    }
  }
  return out;
}

/** The files the docs give in full, by name: `<!-- example: NAME -->` before a fenced block. */
function examples(): [string, string][] {
  const out: [string, string][] = [];
  for (const file of docFiles()) {
    for (const m of readFileSync(file, 'utf8').matchAll(/<!-- example: (\S+) -->\n```\w*\n([\s\S]*?)```/g)) out.push([m[1]!, m[2]!]);
  }
  return out;
}

/** Graphviz's dot, which CI installs (.ci/run); without it a block's dot lines check their input only. */
const HAVE_DOT = spawnSync('sh', ['-c', 'command -v dot'], { encoding: 'utf8' }).status === 0;
/** A stand-in for dot where Graphviz is missing: the file it is given must be a digraph luocheck wrote; nothing is drawn. */
const DOT_STUB = '#!/usr/bin/env bash\nfor a in "$@"; do f="$a"; done\nhead -c 7 "$f" | grep -q "^digraph" || { echo "dot stand-in: $f is not a digraph" >&2; exit 1; }\n';

// Progress lines: exhaustive and random ("N states, ..."), pbt ("run N of M, ...").
const PROGRESS = /^luocheck: ([\d,]+ states|run [\d,]+ of [\d,]+), /;

describe('every fenced luocheck command of README.md and docs/ runs as written', () => {
  const all = blocks();
  it('finds the commands', () => {
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(all.some((b) => b.file === 'README.md')).toBe(true);
    expect(all.some((b) => b.file.startsWith('docs'))).toBe(true);
  });

  for (const b of all) {
    const drawn = /^\s*dot /m.test(b.script);
    it(`${b.file}:${b.line}${drawn && !HAVE_DOT ? ' [SKIPPED: the dot (Graphviz) lines: no dot on this machine; the luocheck lines run]' : ''}`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'luocheck-docs-'));
      const bin = join(dir, '.bin');
      mkdirSync(bin);
      const log = join(dir, '.calls');
      writeFileSync(join(bin, 'luocheck'), `#!/usr/bin/env bash\n"${process.execPath}" "${CLI}" "$@"\nrc=$?\necho "$rc luocheck $*" >> "${log}"\nexit $rc\n`);
      writeFileSync(join(bin, 'npx'), `#!/usr/bin/env bash\nif [ "$1" = luocheck ]; then shift; exec luocheck "$@"; fi\necho "npx $* is not run here" >&2; exit 127\n`);
      writeFileSync(join(bin, 'npm'), '#!/usr/bin/env bash\nexit 0\n');
      if (!HAVE_DOT) writeFileSync(join(bin, 'dot'), DOT_STUB);
      for (const f of ['luocheck', 'npx', 'npm', ...(HAVE_DOT ? [] : ['dot'])]) chmodSync(join(bin, f), 0o755);
      for (const [name, text] of examples()) writeFileSync(join(dir, name), text);
      const r = spawnSync('bash', ['-c', b.script], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env['PATH']}` } });
      const calls = readFileSync(log, 'utf8').trimEnd().split('\n');
      expect(calls.length, b.script).toBeGreaterThan(0);
      for (const c of calls) expect(['0', '1'], `${c}\n${r.stderr}`).toContain(c.split(' ')[0]);
      const noise = r.stderr.split('\n').filter((l) => l !== '' && !PROGRESS.test(l));
      expect(noise, b.script).toEqual([]);
    });
  }

  it("writing-an-invariant.md's test snippet is the tree's test", () => {
    const doc = readFileSync('docs/writing-an-invariant.md', 'utf8');
    const m = /<!-- test: (\S+) -->\n```ts\n([\s\S]*?)```/.exec(doc);
    expect(m).not.toBeNull();
    expect(m![2]).toBe(readFileSync(m![1]!, 'utf8'));
  });

  it("adding-an-action.md's examples are the tree's fixtures, which test/e2e/extensions.test.ts runs", () => {
    const doc = readFileSync('docs/adding-an-action.md', 'utf8');
    const ex = new Map([...doc.matchAll(/<!-- example: (\S+) -->\n```\w*\n([\s\S]*?)```/g)].map((m) => [m[1]!, m[2]!]));
    expect(ex.get('dirty-tracking.mjs')).toBe(readFileSync('test/fixtures/extensions/dirty-tracking.mjs', 'utf8'));
    expect(ex.get('count-race.mjs')).toBe(readFileSync('test/fixtures/points/count-race.mjs', 'utf8'));
  });
});

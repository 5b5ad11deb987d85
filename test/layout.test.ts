/**
 * The layout shows the architecture: the engine (explorer/, but for its
 * command line explorer/cli/) imports no model, no invariant and no
 * benchmark; the command line hands the engine its model. No module is part
 * of an import cycle (type-only imports count: a cycle of types is still a
 * knot to read).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOTS = ['api', 'model', 'invariants', 'explorer', 'bench'];

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const files = ROOTS.flatMap((r) => sources(r));
const known = new Set(files);

/** The repo-relative .ts files `file` imports (relative specifiers only). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const t = normalize(join(dirname(file), m[1]!)).replace(/\.js$/, '.ts');
    if (known.has(t)) out.push(t);
  }
  return out;
}

const graph = new Map(files.map((f) => [f, importsOf(f)]));

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const f of files) if (!idx.has(f)) visit(f);
  return out;
}

describe('layout', () => {
  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('has no import cycle', () => {
    expect(cycles()).toEqual([]);
  });

  it('the engine imports no model, invariant or benchmark; only its command line does', () => {
    const bad: string[] = [];
    for (const [f, deps] of graph) {
      if (!f.startsWith('explorer/') || f.startsWith(join('explorer', 'cli'))) continue;
      for (const d of deps) if (!d.startsWith('explorer/')) bad.push(`${f} -> ${relative('.', d)}`);
    }
    expect(bad).toEqual([]);
  });
});

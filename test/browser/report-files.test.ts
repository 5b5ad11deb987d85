/**
 * The page files, without a browser: `--format html` is one self-contained
 * file (nothing a browser would fetch or follow: no "http" anywhere, no
 * src= but data: URIs, no link or import), with the lanes and the racing
 * pair in its markup; `--format dot` draws the explored graph with the
 * violating path in red, and refuses a scope above its state bound (exit 2).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../explorer/cli/cli.js';
import type { Report } from '../../explorer/traces/report.js';
import { DOT_MAX_STATES, renderDot } from '../../explorer/render/dot.js';
import { renderHtml, sourceHtml } from '../../explorer/render/html.js';
import { MODELS } from '../../model/registry.js';
import { modelOfReport } from '../../explorer/render/formats.js';

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => (out += s), err: (s) => (err += s), isTTY: false };
  return { code: main(argv, io), out, err };
}

const tmp = mkdtempSync(join(tmpdir(), 'luocheck-pages-'));

/** Every way a page could reach the network or another file. */
function externalRefs(html: string): string[] {
  const bad: string[] = [];
  for (const m of html.matchAll(/http/gi)) bad.push(html.slice(Math.max(0, m.index - 30), m.index + 40));
  for (const m of html.matchAll(/\b(src|href|srcset|action|poster|data)\s*=\s*["']?([^"'\s>]*)/gi)) {
    if (!/^data:/i.test(m[2]!)) bad.push(m[0]);
  }
  for (const m of html.matchAll(/@import|url\(|<link\b|<iframe\b|<object\b|<embed\b|\bimport\s*\(|\bfetch\s*\(/gi)) bad.push(m[0]);
  return bad;
}

describe('--format html', () => {
  const file = join(tmp, 'r.html');
  const json = join(tmp, 'r.json');
  const r = run('check', '--scope', 'count-race', '--variant', 'v2', '--format', 'html', '--out', file);
  run('check', '--scope', 'count-race', '--variant', 'v2', '--format', 'json', '--out', json);
  const html = readFileSync(file, 'utf8');
  const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
  const v = report.violations[0]!;

  it('exits 1 and writes one file with no external reference', () => {
    expect(r.code).toBe(1);
    expect(r.out).toContain(`report written to ${file}`);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(externalRefs(html)).toEqual([]);
  });

  it('the check itself finds what it looks for', () => {
    expect(externalRefs('<img src="https://example.org/x.png">')).toHaveLength(2);
    expect(externalRefs('<script src="app.js"></script>')).toEqual(['src="app.js']);
    expect(externalRefs('<style>@import "x.css"</style><link rel=stylesheet href=x.css>')).toHaveLength(3);
    expect(externalRefs('<img src="data:image/png;base64,AAAA">')).toEqual([]);
  });

  it('a lore link is copyable text without scheme, so the page has no address to fetch', () => {
    const s = sourceHtml('https://lore.kernel.org/all/20260427175633.1978233-1-skhawaja@google.com/ (v2 cover)');
    expect(s).toBe('<div><code class="copy">lore.kernel.org/all/20260427175633.1978233-1-skhawaja@google.com/</code> (v2 cover)</div>');
    const id = sourceHtml('review of v2 13/16 (20260427175633.1978233-1-skhawaja@google.com)');
    expect(id).toContain('<div class="lore">lore: <code class="copy">lore.kernel.org/r/20260427175633.1978233-1-skhawaja@google.com</code></div>');
    expect(externalRefs(s + id)).toEqual([]);
  });

  it('has the header, the broken sentence, one lane per process, the racing pair marked, and the reproduce command', () => {
    expect(html).toContain(`<code class="inv">${v.invariant}</code>`);
    expect(html).toContain('differs from fixed in');
    for (const sw of ['immutability = flag', 'hwptCount = two-pass']) expect(html).toContain(sw);
    expect(html).toContain(`<h2>Broken</h2><p>${v.message.replace(/\.?$/, '.')}</p>`);
    expect([...html.matchAll(/<div class="lane-head" data-process="([^"]+)"/g)].map((m) => m[1])).toEqual(['T1', 'T2']);
    const race = [...html.matchAll(/<details class="step race[^"]*" id="v0-step-(\d+)"/g)].map((m) => Number(m[1]));
    expect(race).toEqual([v.race!.first, v.race!.second]);
    expect(html).toMatch(/<details class="step violates" id="v0-step-10"/);
    expect(html).toContain(`<pre><code class="copy">${report.command}</code></pre>`);
    expect(html.match(/<details class="state">/g)).toHaveLength(v.trace.length);
  });

  it('a passing run renders a short page, also self-contained', () => {
    const ok = renderHtml({ ...report, result: 'ok', violations: [] });
    expect(ok).toContain('No violation');
    expect(externalRefs(ok)).toEqual([]);
  });
});

describe('--format dot', () => {
  const v2 = join(tmp, 'cr.dot');

  it('draws the explored graph with the violating path in red', () => {
    const r = run('check', '--scope', 'count-race', '--variant', 'v2', '--format', 'dot', '--out', v2);
    expect(r.code).toBe(1);
    const dot = readFileSync(v2, 'utf8');
    const report = JSON.parse(run('check', '--scope', 'count-race', '--variant', 'v2', '--format', 'json').out) as Report;
    const v = report.violations[0]!;
    expect(dot).toMatch(/^digraph "luocheck iommufd count-race \(v2\)" \{/);
    const hot = [...dot.matchAll(/ -> s\d+ \[label="([^"]+)", color="#b42318"/g)].map((m) => m[1]);
    expect(hot).toEqual(v.trace.slice(1).map((t) => `${t.process}: ${t.action}`));
    expect(dot.match(/fillcolor="#b42318"/g)).toHaveLength(1);
    // Every state of the exhaustive search is a node (the v2 run stopped at its violation; the graph is the whole space).
    const all = JSON.parse(run('check', '--scope', 'count-race', '--variant', 'v2', '--continue', '--format', 'json').out) as Report;
    expect(dot.match(/^ {2}s\d+( \[.*\])?;$/gm)).toHaveLength(all.stats.distinctStates);
    expect(dot.match(/ -> /g)).toHaveLength(all.stats.transitions);
  });

  it('refuses a scope above the state bound with exit 2 and a one-line reason', () => {
    // --quiet: the search takes longer than the 10 s after which progress lines start
    const r = run('check', '--scope', 'ci', '--format', 'dot', '--depth', '60', '--quiet');
    expect(r.code).toBe(2);
    expect(r.err).toBe(`luocheck: --format dot draws at most ${DOT_MAX_STATES} states, and scope ci has more; use a smaller scope, or --depth N to draw the first N levels\n`);
    // With --depth the first levels are drawn.
    const d = run('check', '--scope', 'ci', '--format', 'dot', '--depth', '3');
    expect(d.code).toBe(0);
    expect(d.out).toMatch(/^digraph /);
  });

  it('the bound is a parameter of the renderer', () => {
    const report = JSON.parse(run('check', '--scope', 'count-race', '--format', 'json').out) as Report;
    expect(() => renderDot(report, modelOfReport(MODELS, report), 10)).toThrow(/draws at most 10 states/);
  });

  const hasDot = spawnSync('dot', ['-V']).status === 0;
  it.skipIf(!hasDot)(hasDot ? 'Graphviz renders it' : 'Graphviz rendering skipped: no `dot` on PATH (apt-get install graphviz)', () => {
    const svg = execFileSync('dot', ['-Tsvg', v2]).toString();
    expect(svg).toContain('<svg');
    writeFileSync(join(tmp, 'cr.svg'), svg);
  });
});

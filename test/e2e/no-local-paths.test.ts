/**
 * No output names a file a reader of the list does not have: every
 * known-bug case of every shipped model in every --format, `luocheck list`
 * (text and json) and `luocheck explain` of every invariant must not
 * contain "shared/" or "seeds/" (the project's private specs and review
 * threads), nor a bare seed number such as "seed 003". Sources cite author,
 * date, subject and Message-ID instead.
 *
 * In-process and each case explored once: the json report of `luocheck
 * check` is rendered in the other formats by the CLI's own renderers; one
 * small case goes through the CLI in every format too, and the trace
 * formats (which print no timing) are the same bytes both ways.
 */
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../explorer/cli/cli.js';
import { invariantsOf } from '../../explorer/cli/list.js';
import { renderTraceFormat, TRACE_FORMATS } from '../../explorer/render/formats.js';
import { renderJunit } from '../../explorer/render/junit.js';
import { renderText } from '../../explorer/render/text.js';
import type { Report } from '../../explorer/traces/report.js';
import type { AnyModelSpec, KnownCase } from '../../explorer/spec.js';
import { MODELS } from '../../model/registry.js';

const FORBIDDEN = [/shared\//, /seeds\//, /\bseeds? 0\d\d\b/];
const FORMATS = ['text', 'json', 'junit', ...TRACE_FORMATS] as const;

/** The shipped CLI in-process (no test fixture models). */
function cli(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => (out += s), err: (s) => (err += s), isTTY: false };
  return { code: main(argv, io, MODELS), out, err };
}

function expectClean(what: string, text: string): void {
  expect(text.length, `${what}: no output`).toBeGreaterThan(0);
  for (const re of FORBIDDEN) {
    const m = re.exec(text);
    expect(m === null, `${what} contains ${JSON.stringify(m?.[0])}: ${text.slice(Math.max(0, (m?.index ?? 0) - 80), (m?.index ?? 0) + 80)}`).toBe(true);
  }
}

function caseArgs(m: AnyModelSpec, c: KnownCase): string[] {
  const variant = Object.hasOwn(m.presets, 'fixed') ? 'fixed' : m.defaultPreset;
  return ['check', '--model', m.name, '--scope', c.scope, '--variant', variant, ...Object.entries(c.set).flatMap(([k, v]) => ['--set', `${k}=${v}`])];
}

/** Every format of a report, rendered as the CLI renders it. */
function renderAll(r: Report): Record<(typeof FORMATS)[number], string> {
  const out = { text: renderText(r), json: JSON.stringify(r, null, 2) + '\n', junit: renderJunit(r) } as Record<(typeof FORMATS)[number], string>;
  for (const f of TRACE_FORMATS) {
    try {
      out[f] = renderTraceFormat(r, f, MODELS);
    } catch (e) {
      // dot draws small scopes only; above its bound it refuses (exit 2): its one line is what is checked.
      if (f === 'dot' && e instanceof Error && /--format dot draws at most/.test(e.message)) out[f] = e.message;
      else throw e;
    }
  }
  return out;
}

const CASES = MODELS.flatMap((m) => (m.cases ?? []).map((c) => ({ m, c })));

describe('no output names a local path', () => {
  it('the check catches a local path (the test can fail)', () => {
    expect(() => expectClean('probe', 'source: shared/seeds/003_x.txt')).toThrow();
    expect(() => expectClean('probe', 'as seed 003 shows')).toThrow();
  });

  it('has known-bug cases in more than one model', () => {
    expect(new Set(CASES.map(({ m }) => m.name)).size).toBeGreaterThanOrEqual(2);
    expect(CASES.length).toBeGreaterThanOrEqual(10);
  });

  for (const { m, c } of CASES) {
    it(`${m.name} ${c.id}: every format`, () => {
      // --quiet: a case on ci may run past the 10 s after which progress lines start
      const r = cli(...caseArgs(m, c), '--format', 'json', '--quiet');
      expect(r.err).toBe('');
      expect(r.code).toBe(c.expect === 'violation' ? 1 : 0);
      const report = JSON.parse(r.out) as Report;
      const all = renderAll(report);
      expect(all.json).toBe(r.out);
      for (const f of FORMATS) expectClean(`${m.name} ${c.id} --format ${f}`, all[f]);
      if (c.source !== undefined) expectClean(`${m.name} ${c.id} source`, c.source);
    }, 600_000);
  }

  it('the CLI prints what the renderers print (every format clean; byte for byte where no timing is printed)', () => {
    const iommufd = MODELS.find((m) => m.name === 'iommufd')!;
    const c = iommufd.cases!.find((x) => x.id === '5.12-alloc-failure')!;
    const all = renderAll(JSON.parse(cli(...caseArgs(iommufd, c), '--format', 'json').out) as Report);
    for (const f of FORMATS) {
      const out = cli(...caseArgs(iommufd, c), '--format', f).out;
      expectClean(`luocheck check --format ${f}`, out);
      if ((TRACE_FORMATS as readonly string[]).includes(f)) expect(out, f).toBe(all[f]);
    }
  }, 600_000);

  it('luocheck list, text and json', () => {
    for (const format of ['text', 'json']) {
      const r = cli('list', '--format', format);
      expect(r.code).toBe(0);
      expectClean(`list --format ${format}`, r.out);
    }
  });

  for (const m of MODELS) {
    it(`luocheck explain, every invariant of ${m.name}`, () => {
      for (const inv of invariantsOf(m)) {
        const r = cli('explain', inv.id, '--max-states', '1000');
        expect(r.code, r.err).toBe(0);
        expect(r.out).toContain(`source: ${inv.source}`);
        expectClean(`explain ${inv.id}`, r.out);
      }
    }, 600_000);
  }
});

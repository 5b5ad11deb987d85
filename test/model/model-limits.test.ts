/**
 * docs/model-limits.md gives, for every "Left out" item of every header of
 * every model/iommufd source file (in every subfolder), the reason the omission cannot hide a violation (or
 * what it could hide). This test keeps the page in step with the headers.
 *
 * The matching rule:
 * - A header is the first block comment of a file. Its "Left out:" sentence
 *   runs to the first period that is outside parentheses and followed by
 *   white space or the end of the comment (so "hwpt->common.domain" does not
 *   end it).
 * - Parenthesized text is the header's own reason and is dropped; the rest
 *   is split at commas into items, and a leading "and " is dropped
 *   ("..., page contents, and ftruncate/fallocate").
 * - The page must have a heading naming the file (`model/iommufd/DIR/NAME.ts`),
 *   and in that heading's section (up to the next heading) every item must
 *   be the first cell of a table row `| item | reason |`, compared
 *   case-insensitively with backticks removed and white space collapsed,
 *   with a reason of at least a few words. Every such heading must name a
 *   file whose header has a "Left out" sentence, so no section outlives its
 *   header.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = 'model/iommufd';
const DOC = 'docs/model-limits.md';

/** The first block comment of a source file, without its comment markers. */
function headerOf(source: string): string {
  const m = /\/\*\*?([\s\S]*?)\*\//.exec(source);
  if (!m) return '';
  return m[1]!.split('\n').map((l) => l.replace(/^\s*\*\s?/, '')).join('\n');
}

/** The text of each "Left out:" sentence of a header, joined onto one line. */
function leftOutSentences(header: string): string[] {
  const text = header.replace(/\s+/g, ' ');
  const out: string[] = [];
  let at = text.indexOf('Left out:');
  while (at >= 0) {
    let depth = 0;
    let end = text.length;
    for (let i = at + 'Left out:'.length; i < text.length; i++) {
      const c = text[i];
      if (c === '(') depth++;
      else if (c === ')') depth = Math.max(0, depth - 1);
      else if (c === '.' && depth === 0 && (i + 1 === text.length || /\s/.test(text[i + 1]!))) {
        end = i;
        break;
      }
    }
    out.push(text.slice(at + 'Left out:'.length, end).trim());
    at = text.indexOf('Left out:', end);
  }
  return out;
}

/** The items of one sentence: parentheses dropped, split at commas. */
function itemsOf(sentence: string): string[] {
  let flat = '';
  let depth = 0;
  for (const c of sentence) {
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) flat += c;
  }
  return flat
    .split(',')
    .map((x) => x.replace(/\s+/g, ' ').trim().replace(/^and /, ''))
    .filter((x) => x.length > 0);
}

const norm = (s: string) => s.replace(/`/g, '').replace(/\s+/g, ' ').toLowerCase();

/** The doc's sections by the model file their heading names. */
function sections(doc: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = doc.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^#+ .*model\/iommufd\/([\w/-]+\.ts)/.exec(lines[i]!);
    if (!m) continue;
    let j = i + 1;
    while (j < lines.length && !lines[j]!.startsWith('#')) j++;
    out.set(m[1]!, lines.slice(i + 1, j).join('\n'));
  }
  return out;
}

/** Every .ts file under DIR, as a path relative to it. */
const files = (readdirSync(DIR, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).sort();
const leftOut = new Map(files.map((f) => [f, leftOutSentences(headerOf(readFileSync(join(DIR, f), 'utf8'))).flatMap(itemsOf)] as const).filter(([, items]) => items.length > 0));
const doc = readFileSync(DOC, 'utf8');
const bySection = sections(doc);

describe('docs/model-limits.md covers every "Left out" item of the iommufd model headers', () => {
  it('extracts sentences and items by the rule above', () => {
    const h = headerOf('/**\n * Mirrors x. Left out: a (b, c. d), hwpt->common.domain checks, e and f,\n * and g. Next sentence, not an item.\n */\nconst x = 1;');
    expect(leftOutSentences(h)).toEqual(['a (b, c. d), hwpt->common.domain checks, e and f, and g']);
    expect(itemsOf(leftOutSentences(h)[0]!)).toEqual(['a', 'hwpt->common.domain checks', 'e and f', 'g']);
  });

  it('finds the headers that leave something out', () => {
    // At least the files whose headers said so when this page was written.
    for (const f of ['kernel/boot.ts', 'kernel/context_entry.ts', 'kernel/device.ts', 'kernel/hw_pagetable.ts', 'kernel/liveupdate.ts', 'kernel/luo.ts', 'kernel/rebuild.ts', 'kernel/memfd.ts']) {
      expect([...leftOut.keys()]).toContain(f);
    }
  });

  for (const [file, items] of leftOut) {
    it(`${file}: a section, and every item in it`, () => {
      const section = bySection.get(file);
      expect(section, `no heading naming model/iommufd/${file} in ${DOC}`).toBeDefined();
      const rows = new Map([...section!.matchAll(/^\|(.+?)\|(.+)\|\s*$/gm)].map((m) => [norm(m[1]!.trim()), m[2]!.trim()] as const));
      const missing = items.filter((item) => (rows.get(norm(item))?.split(' ').length ?? 0) < 3);
      expect(missing, `items of ${file}'s "Left out" without a row and its reason in ${DOC}`).toEqual([]);
    });
  }

  it('has no section for a file whose header leaves nothing out', () => {
    expect([...bySection.keys()].filter((f) => !leftOut.has(f))).toEqual([]);
  });
});

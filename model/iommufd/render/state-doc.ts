/**
 * docs/state.md, generated from the declared state (state-schema.ts): the
 * reference for code loaded with --load and for point files. `npm run
 * docs:state` writes it; test/model/state-schema.test.ts fails when the
 * page and the declaration differ.
 */
import { STATE_SCHEMA, type FieldSpec, type FieldType } from '../state/state-schema.js';

function typeText(t: FieldType): string {
  switch (t.t) {
    case 'bool':
      return 'boolean';
    case 'int':
      return t.names ? `${t.min}..${t.max} (${t.names.map((n, i) => `${t.min + i} ${n}`).join(', ')})` : `integer ${t.min}..${t.max}`;
    case 'pc':
      return 'program counter (string)';
    case 'list':
      return `list (at most ${t.max}) of ${t.of.t === 'record' ? 'records, below' : typeText(t.of)}`;
    case 'record':
      return 'record, below';
  }
}

function rows(fields: Readonly<Record<string, FieldSpec>>, path: string, out: string[], sections: [string, Readonly<Record<string, FieldSpec>>][]): void {
  for (const [name, f] of Object.entries(fields)) {
    const p = path ? `${path}.${name}` : name;
    out.push(`| \`${name}\` | ${typeText(f.type)} | ${f.doc}${f.bookkeeping ? ' *(bookkeeping: no invariant may read it)*' : ''} |`);
    const inner = f.type.t === 'record' ? f.type : f.type.t === 'list' && f.type.of.t === 'record' ? f.type.of : undefined;
    if (inner) sections.push([f.type.t === 'list' ? `${p}[i]` : p, inner.fields]);
  }
}

export function stateDoc(): string {
  const out = [
    '# The state of the iommufd model',
    '',
    '<!-- Generated from model/iommufd/state/state-schema.ts by `npm run docs:state`; a test keeps it current. -->',
    '',
    'What a loaded invariant (`--load`), a loaded action\'s guard and effect, and a point file\'s',
    'property read. Indices are 0-based (`hwpts[0]` is printed hwpt1 in reports). Reading a field',
    'that is not listed here (or declared by a loaded extension) stops the run with exit 2 and',
    'one line naming the file, the line and the field. An effect that leaves a value outside its',
    'bounds stops the run the same way: the bounds are what the packed encoding holds.',
    '',
    'The JSON view in reports names objects (`hwpt1`, `memfd1`) and spells some values out',
    '(seals as `SEAL|GROW`); loaded code gets the numbers below.',
    '',
  ];
  const sections: [string, Readonly<Record<string, FieldSpec>>][] = [['state', STATE_SCHEMA.fields]];
  for (let i = 0; i < sections.length; i++) {
    const [path, fields] = sections[i]!;
    out.push(`## \`${path}\``, '', '| field | type | what it is |', '|---|---|---|');
    rows(fields, path === 'state' ? '' : path, out, sections);
    out.push('');
  }
  return out.join('\n');
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) process.stdout.write(stateDoc());

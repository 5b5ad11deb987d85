/**
 * `luocheck list` (models, scopes, variants and their switches, invariants with
 * their sources, known-bug cases) and `luocheck explain ID`.
 */
import { UsageError, oneOf } from '../errors.js';
import type { Invariant } from '../invariant.js';
import type { AnyModelSpec } from '../spec.js';
import { EXPLAIN_MAX_STATES, explainPreset, witnessScopes } from './witness-scopes.js';

/** The invariants a model declares, read from its default scope and variant. */
export function invariantsOf(spec: AnyModelSpec): readonly Invariant<unknown, unknown>[] {
  return spec.invariants(spec.scopes[spec.defaultScope], spec.presets[spec.defaultPreset]!);
}

export function listJson(models: readonly AnyModelSpec[]): string {
  return JSON.stringify(
    models.map((m) => ({
      model: m.name,
      description: m.description,
      scopes: Object.keys(m.scopes).map((name) => ({ name, doc: m.scopeDocs?.[name] ?? '', bounds: m.scopes[name] })),
      defaultScope: m.defaultScope,
      switches: m.switches,
      presets: m.presets,
      defaultVariant: m.defaultPreset,
      invariants: invariantsOf(m).map((i) => ({ id: i.id, kind: i.kind, title: i.title, source: i.source, witness: i.witness?.title ?? null })),
      cases: m.cases ?? [],
    })),
    null,
    2,
  ) + '\n';
}

export function listText(models: readonly AnyModelSpec[]): string {
  const out: string[] = [];
  for (const m of models) {
    out.push(`model ${m.name}: ${m.description}`);
    out.push(`  scopes (default ${m.defaultScope}):`);
    for (const s of Object.keys(m.scopes)) out.push(`    ${s.padEnd(18)} ${m.scopeDocs?.[s] ?? ''}`.trimEnd());
    out.push(`  variants (default ${m.defaultPreset}): ${Object.keys(m.presets).join(', ')}`);
    for (const sw of m.switches) {
      const vals = Object.entries(m.presets).map(([p, v]) => `${p}=${v[sw.name]}`).join(' ');
      out.push(`    --set ${sw.name}=${sw.values.join('|')}  (${vals})  ${sw.doc}`);
    }
    out.push('  invariants:');
    for (const i of invariantsOf(m)) {
      out.push(`    ${i.id} [${i.kind}] ${i.title}`);
      out.push(`      source: ${i.source}`);
    }
    if (m.cases?.length) {
      out.push('  known-bug cases:');
      for (const c of m.cases) {
        const set = Object.entries(c.set).map(([k, v]) => ` --set ${k}=${v}`).join('');
        const verdict = c.expect === 'violation' ? `violates ${c.invariant}` : 'holds (harmless in the model)';
        out.push(`    ${c.id} [${c.found}]: ${c.title}`);
        if (c.source) out.push(`      source: ${c.source}`);
        out.push(`      --scope ${c.scope} --variant fixed${set}: ${verdict}`);
        if (c.open) out.push(`      open: ${c.open.why}; passes with${Object.entries(c.open.closedBy).map(([k, v]) => ` --set ${k}=${v}`).join('')}`);
      }
    }
    out.push('');
  }
  return out.join('\n');
}

/** `maxStates`: the state bound per scope of the witness search. */
export function explainText(models: readonly AnyModelSpec[], id: string, maxStates = EXPLAIN_MAX_STATES): string {
  for (const m of models) {
    const inv = invariantsOf(m).find((i) => i.id === id);
    if (!inv) continue;
    const out = [`${inv.id} (${inv.kind}, model ${m.name}): ${inv.title}`];
    if (inv.statement) out.push('', inv.statement);
    out.push('', `source: ${inv.source}`);
    if (inv.witness) {
      out.push(`witness (must be reachable): ${inv.witness.title}`);
      out.push(`  in the scopes of ${m.name}, variant ${explainPreset(m)}, exhaustive, up to ${maxStates.toLocaleString('en-US')} states each:`);
      for (const w of witnessScopes(m, id, maxStates) ?? []) out.push(`    ${w.scope}: ${w.outcome}`);
    } else {
      out.push('witness: none declared, so a pass may mean the interesting states were never reached');
    }
    const cases = (m.cases ?? []).filter((c) => c.invariant === id);
    if (cases.length) {
      out.push('violated in:');
      for (const c of cases) {
        const set = Object.entries(c.set).map(([k, v]) => ` --set ${k}=${v}`).join('');
        out.push(`  ${c.id} [${c.found}]: luocheck check --model ${m.name} --scope ${c.scope} --variant fixed${set}${c.open ? ' (open: no design on the list closes it)' : ''}`);
      }
      out.push('  found by: race = two threads interleave inside an op; fault = an injected failure; design check = the switch states the behaviour, the invariant its consequence');
    }
    return out.join('\n') + '\n';
  }
  const all = models.flatMap((m) => invariantsOf(m).map((i) => i.id));
  throw new UsageError(`unknown invariant ${JSON.stringify(id)}; accepted: ${oneOf(all)}`);
}

/**
 * The invariant catalogue as `luocheck list` and `explain` show it: id, kind,
 * title, statement, source and witness title of every invariant, under the
 * fixed and the v2 switches, pinned. A changed kind changes when the engine
 * checks an invariant (a kind it does not know is checked as progress, at
 * end states only); a changed text changes what a reviewer reads. Either is
 * then a deliberate snapshot update, not a silent edit. Written for the
 * kind and text mutants of invariants/ that the behaviour tests cannot see.
 */
import { expect, test } from 'vitest';
import { INVARIANT_FACTORIES } from '../../invariants/index.js';
import { decodeVariant } from '../../model/iommufd/scopes/variants.js';
import { FIXED, V2 } from './helpers.js';

const catalogue = (set: Record<string, string>) =>
  INVARIANT_FACTORIES.map((f) => f(decodeVariant(set))).map((i) => ({
    id: i.id,
    kind: i.kind,
    title: i.title,
    statement: i.statement,
    source: i.source,
    witness: i.witness?.title,
  }));

test('every kind is one the engine checks', () => {
  for (const i of catalogue(FIXED)) expect(['state', 'step', 'progress'], i.id).toContain(i.kind);
});

test('the catalogue under the fixed switches', () => {
  expect(catalogue(FIXED)).toMatchSnapshot();
});

test('the catalogue under the v2 switches', () => {
  expect(catalogue(V2)).toMatchSnapshot();
});

/**
 * How a worker of the parallel search builds the model and invariants the
 * command line searches: the shipped models (model/registry.ts) with the
 * same --load files and point file. The command line hands this module's URL
 * to the engine (ModelSource.factory), so the engine itself imports no model.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Invariant } from '../invariant.js';
import type { Model } from '../model.js';
import type { ModelSource } from '../search/parallel-protocol.js';
import { loadAll } from './load.js';
import { MODELS } from '../../model/registry.js';

export function buildFromSource(source: ModelSource): { model: Model<unknown, unknown>; invariants: readonly Invariant<unknown, unknown>[] } | string {
  const spec = loadAll(MODELS, source.loads ?? [], source.point).models.find((m) => m.name === source.modelName);
  if (!spec) return `no model ${JSON.stringify(source.modelName)}`;
  const model = spec.build(source.scope, source.variant, { symmetry: source.symmetry ?? false });
  const all = spec.invariants(source.scope, source.variant) as readonly Invariant<unknown, unknown>[];
  return { model, invariants: source.invariantIds ? all.filter((i) => source.invariantIds!.includes(i.id)) : all };
}

/** This module's URL as a worker loads it: beside this file in the build; from the TypeScript source (the tests), the built copy. */
export function modelFactoryUrl(): string {
  const url = import.meta.url.endsWith('.ts') ? new URL('../../dist/explorer/cli/model-factory.js', import.meta.url) : new URL(import.meta.url);
  if (!existsSync(fileURLToPath(url))) throw new Error(`the model factory ${fileURLToPath(url)} is missing: run npm run build`);
  return url.href;
}

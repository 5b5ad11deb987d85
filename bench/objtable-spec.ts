/**
 * `--model bench`: the objtable benchmark with its named sizes and any
 * P,K,M given by a scope file ({"P": 4, "K": 3, "M": 2}).
 */
import type { ModelSpec } from '../explorer/spec.js';
import { ObjtableModel, type ObjState, type ObjtableScope } from './objtable.js';
import { objtableInvariants } from './objtable-invariants.js';
import { parseIntField, requireObject, rejectUnknownKeys } from '../explorer/traces/scope-file.js';

export const objtableSpec: ModelSpec<ObjtableScope, ObjState, number> = {
  name: 'bench',
  description: 'objtable: P threads, K refcounted slots, quota M, TOCTOU lookup (the objtable benchmark specification)',
  scopes: {
    small: { P: 5, K: 3, M: 2 },
    medium: { P: 6, K: 3, M: 2 },
    large: { P: 7, K: 3, M: 2 },
  },
  scopeDocs: {
    small: 'P,K,M = 5,3,2: 116,369 states, 315,985 edges',
    medium: 'P,K,M = 6,3,2: 875,242 states, 2,656,146 edges',
    large: 'P,K,M = 7,3,2: 6,280,383 states, 21,099,071 edges',
  },
  defaultScope: 'small',
  parseScope(json: unknown): ObjtableScope {
    const o = requireObject(json, 'scope');
    rejectUnknownKeys(o, ['P', 'K', 'M'], 'scope');
    const P = parseIntField(o, 'P', 1, 8);
    const K = parseIntField(o, 'K', 1, 8);
    const M = parseIntField(o, 'M', 1, K);
    return { P, K, M };
  },
  switches: [],
  presets: { fixed: {} },
  defaultPreset: 'fixed',
  invariants: (scope) => objtableInvariants(scope),
  build: (scope, _variant, options) => new ObjtableModel(scope, options?.symmetry ?? false),
};


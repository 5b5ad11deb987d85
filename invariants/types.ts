/**
 * The shape every iommufd invariant file exports: a factory from the decoded
 * variant (a few predicates differ between immutability=flag and =refcount).
 */
import type { Invariant } from '../explorer/invariant.js';
import type { Action, State } from '../model/iommufd/types.js';
import type { Switches } from '../model/iommufd/variants.js';

export type IommufdInvariant = Invariant<State, Action>;
export type InvariantFactory = (sw: Switches) => IommufdInvariant;

/** Seed 003: Pranjal Shrivastava's review of v2 13/16 (May 2026). */
export const SEED_003 = 'shared/seeds/003_9b339ccb64119be1.txt (review of v2 13/16, series 20260427175633.1978233-1-skhawaja@google.com)';

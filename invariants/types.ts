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

/** Seed 000: Khawaja/Gunthorpe on restoring, hot-swapping and finishing (Oct 2025). */
export const SEED_000 = 'shared/seeds/000_0f5450707124f6d9.txt (CAAywjhRKvZBShj7KAXew2v_uGjn3HhvO=sFrZ=bVfMJ8ye-Vyw@mail.gmail.com, Re: [RFC PATCH 13/15] iommufd: Persist iommu domains for live update)';
/** Seed 001: James Gowans' RFC cover, iommu(fd) persistence (Sep 2024). */
export const SEED_001 = 'shared/seeds/001_7de14a8b5b130396.txt (20240916113102.710522-1-jgowans@amazon.com)';
/** Seed 002: Jason Gunthorpe, "compare two radix trees" (Oct 2024). */
export const SEED_002 = 'shared/seeds/002_c4fa4e307c557800.txt (20241007151633.GO2456194@ziepe.ca)';

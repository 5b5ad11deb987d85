/**
 * The invariants of the iommufd model, in a fixed order (the order they are
 * checked in, and listed in). Each file is named by its id.
 */
import type { Switches } from '../model/iommufd/variants.js';
import type { IommufdInvariant, InvariantFactory } from './types.js';
import immutableIffPreserved from './immutable-iff-preserved.js';
import preserveErrorRestoresIoas from './preserve-error-restores-ioas.js';
import blobCountMatches from './blob-count-matches.js';
import sealCheckLive from './seal-check-live.js';
import backingPreserved from './backing-preserved.js';
import tablePagesPreserved from './table-pages-preserved.js';
import replaceBookkeeping from './replace-bookkeeping.js';
import noFreeWhileInUse from './no-free-while-in-use.js';
import tokenOnce from './token-once.js';
import cancelRestores from './cancel-restores.js';
import freezeNoMutation from './freeze-no-mutation.js';
import deviceNeedsPreservedDomain from './device-needs-preserved-domain.js';

export const INVARIANT_FACTORIES: readonly InvariantFactory[] = [
  immutableIffPreserved,
  preserveErrorRestoresIoas,
  blobCountMatches,
  sealCheckLive,
  backingPreserved,
  tablePagesPreserved,
  replaceBookkeeping,
  noFreeWhileInUse,
  tokenOnce,
  cancelRestores,
  freezeNoMutation,
  deviceNeedsPreservedDomain,
];

export function iommufdInvariants(sw: Switches): readonly IommufdInvariant[] {
  return INVARIANT_FACTORIES.map((f) => f(sw));
}

/**
 * The invariants of the iommufd model, in a fixed order (the order they are
 * checked in, and listed in). Each file is named by its id.
 */
import type { Switches } from '../model/iommufd/scopes/variants.js';
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
import dmaContinuity from './dma-continuity.js';
import noDmaToFree from './no-dma-to-free.js';
import rebuiltEqualsPreserved from './rebuilt-equals-preserved.js';
import ctxSanitized from './ctx-sanitized.js';
import ownedBlocksOtherDrivers from './owned-blocks-other-drivers.js';
import finishClean from './finish-clean.js';
import finishAtomic from './finish-atomic.js';
import restoreProgress from './restore-progress.js';
import restoreNoPanic from './restore-no-panic.js';
import leavesKhoPreserved from './leaves-kho-preserved.js';

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
  dmaContinuity,
  noDmaToFree,
  rebuiltEqualsPreserved,
  ctxSanitized,
  ownedBlocksOtherDrivers,
  finishClean,
  finishAtomic,
  restoreProgress,
  restoreNoPanic,
  leavesKhoPreserved,
];

export function iommufdInvariants(sw: Switches): readonly IommufdInvariant[] {
  return INVARIANT_FACTORIES.map((f) => f(sw));
}

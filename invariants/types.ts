/**
 * The shape every iommufd invariant file exports: a factory from the decoded
 * variant (a few predicates differ between immutability=flag and =refcount).
 */
import type { Invariant } from '../explorer/invariant.js';
import type { Action, State } from '../model/iommufd/state/types.js';
import type { Switches } from '../model/iommufd/scopes/variants.js';

export type IommufdInvariant = Invariant<State, Action>;
export type InvariantFactory = (sw: Switches) => IommufdInvariant;

/*
 * Sources, as a reader of the list finds them: author, date, subject and the
 * Message-ID in angle brackets (the email format prints one lore Link: line
 * per Message-ID). The SEED_* names are the order the threads were read in.
 */

/** The "iommu: live update" v2 series as posted (cover letter). */
export const V2_SERIES = "Samiullah Khawaja, 27 Apr 2026, 'iommu: live update' v2 series <20260427175633.1978233-1-skhawaja@google.com>";

/**
 * Patch 13/16 of the v2 series (From: YiFei Zhu). Its Message-ID follows the
 * series' git-send-email numbering (02/16 is -3, seen on a lore mirror).
 */
export const V2_13_16 = "Samiullah Khawaja (patch by YiFei Zhu), 27 Apr 2026, '[PATCH v2 13/16] iommufd: Persist iommu hardware pagetables for live update' <20260427175633.1978233-14-skhawaja@google.com>";

/** Pranjal Shrivastava's review of v2 13/16: shared IOAS, HWPT count TOCTOU, cached seals (Message-ID not known; the link is to the patch, whose thread holds the reply). */
export const SEED_003 = "Pranjal Shrivastava, 20 May 2026, 'Re: [PATCH v2 13/16] iommufd: Persist iommu hardware pagetables for live update', a reply to <20260427175633.1978233-14-skhawaja@google.com>";

/** The author's answer to the cached-seals point (its own Message-ID not known; the link is to the patch, whose thread holds it). */
export const KHAWAJA_SEALS = "Samiullah Khawaja, 20 May 2026, reply in the thread of '[PATCH v2 13/16] iommufd: Persist iommu hardware pagetables for live update' (quoted in Pranjal Shrivastava's follow-ups of 22 May 2026), a reply to <20260427175633.1978233-14-skhawaja@google.com>";

/** Khawaja and Gunthorpe on restoring, hot-swapping and finishing a preserved domain. */
export const SEED_000 = "Samiullah Khawaja, 1 Oct 2025, 'Re: [RFC PATCH 13/15] iommufd: Persist iommu domains for live update' <CAAywjhRKvZBShj7KAXew2v_uGjn3HhvO=sFrZ=bVfMJ8ye-Vyw@mail.gmail.com>";
/** James Gowans' RFC cover letter: iommu(fd) persistence, DMA continuing across kexec. */
export const SEED_001 = "James Gowans, 16 Sep 2024, '[RFC PATCH 00/13] Support iommu(fd) persistence for live update' <20240916113102.710522-1-jgowans@amazon.com>";
/** Jason Gunthorpe: verify a rebuilt HWPT by comparing two radix trees. */
export const SEED_002 = "Jason Gunthorpe, 7 Oct 2024, 'Re: [RFC PATCH 05/13] iommufd: Serialise persisted iommufds and ioas' <20241007151633.GO2456194@ziepe.ca>";
/** Nicolin Chen: a REPLACE by the first device of a multi-device group leaves the other idevs lagging. */
export const SEED_004 = "Nicolin Chen, 10 Feb 2023, 'Re: [PATCH v2 08/10] iommufd/device: Use iommu_group_replace_domain()' <Y+bc8OrWfw3Fq57n@Asurada-Nvidia>";
/** v1 08/14: the restored domain attached at probe, with the token as DMA owner. */
export const V1_08_14 = "Samiullah Khawaja, 3 Feb 2026, '[PATCH 08/14] iommu: Restore and reattach preserved domains to devices' <20260203220948.2176157-9-skhawaja@google.com>";

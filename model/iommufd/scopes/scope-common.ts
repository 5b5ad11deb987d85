/** The shape of a scope, and the names and constants the scope files share (kept apart so that scopes.ts and scopes-kexec.ts do not import each other). */
import type { FileRef, Op } from '../state/types.js';

export type SealName = 'SEAL' | 'SHRINK' | 'GROW' | 'WRITE';

export const SEALED: readonly SealName[] = ['SEAL', 'GROW', 'SHRINK'];
export const NO_FAIL = { domainPreserve: false, khoAlloc: false, lockObj: false, freeze: false };
export const IOMMUFD: FileRef = { kind: 'iommufd' };
export const MEMFD0: FileRef = { kind: 'memfd', memfd: 0 };
export const cdev = (dev: number): FileRef => ({ kind: 'cdev', dev });

/** Page indices a memfd can have (its page cache is packed into one word of the state encoding). */
export const MAX_PAGES = 7;

/** old-kernel: up to kexec only; lifecycle: through reboot(KEXEC), boot, the VMM's rebuild and FINISH. */
export type PhaseSet = 'old-kernel' | 'lifecycle';

export interface AreaInit {
  readonly iova: number;
  readonly memfd: number;
  readonly page: number;
}

export interface IommufdScope {
  /** Which lifecycle phases are explored. */
  readonly phases: PhaseSet;
  /** IOVA slots of every IOAS (leaf tables cover 2 slots each). */
  readonly iovas: number;
  readonly memfds: readonly { readonly pages: number; readonly seals: readonly SealName[] }[];
  /** Each IOAS with its areas, mapped (pages set) and filled into its HWPTs' domains. */
  readonly ioas: readonly { readonly areas: readonly AreaInit[] }[];
  /** HWPT_PAGING objects; `token` present = already marked with it. */
  readonly hwpts: readonly { readonly ioas: number; readonly token?: number }[];
  /** HWPT slots for the new kernel's objects, after the old kernel's (HWPT_ALLOC and IOMMU_HWPT_LU_RESTORE name them). */
  readonly restoreSlots: number;
  /** Devices, their iommu_group, the HWPT each is attached to (if any), and whether a PASID-table entry is in use. */
  readonly devices: readonly { readonly group: number; readonly hwpt?: number; readonly pasid?: boolean }[];
  /** Files already in the outgoing session (memfds only), in order. */
  readonly session: readonly { readonly file: FileRef; readonly token: number }[];
  /** One menu per VMM thread. */
  readonly threads: readonly (readonly Op[])[];
  /** One menu per VMM thread of the new kernel (lifecycle only). */
  readonly restore: readonly (readonly Op[])[];
  /**
   * Optional, per new-kernel menu op: its stage. An op is issued only once
   * every op of a lower stage of its thread returned (a VMM that prepares
   * the new IOAS before it allocates the HWPT, seed 000). Absent: one stage.
   */
  readonly restoreStages?: readonly (readonly number[])[];
  /** Injected failures: iommu_domain_preserve, kho_alloc_preserve, iommufd_lock_obj, a freeze callback. */
  readonly failures: { readonly domainPreserve: boolean; readonly khoAlloc: boolean; readonly lockObj: boolean; readonly freeze: boolean };
}

/**
 * The records the model adds across kexec (KHO, the iommu FLB blob):
 * context-entry values, the restore state of
 * a preserved domain, and the new kernel's live-update records. Re-exported
 * by types.ts.
 *
 * Left out: the FLB arrays' own layout (domains, devices and IOMMU units are
 * the domain_ser/device_ser flags), the KHO FDT, DIDs.
 */

/** A context entry (State.ctx): not present, the DMA-API default domain, or >= 0 the HWPT slot whose tables it points at. */
export const CTX_NONE = -1;
export const CTX_DEFAULT = -2;

/** Domain.restored in the new kernel. */
export const RS_NONE = 0;
export const RS_LIVE = 1;
export const RS_FREED = 2;

/** The new kernel's live-update records. */
export interface Incoming {
  /** RETRIEVE_SESSION succeeded (once). */
  readonly retrieved: boolean;
  /** Bit i: the session's file i was retrieved. */
  readonly files: number;
  /** SESSION_FINISH succeeded. */
  readonly finished: boolean;
  /** The incoming session was closed without FINISH (cancel). */
  readonly cancelled: boolean;
  /** The iommu FLB blob (domains, devices, iommus arrays) is still held (returned by FLB finish). */
  readonly flb: boolean;
  /**
   * 0, or why the new kernel hit BUG() on the preserved state (BUG_* codes).
   * @bookkeeping: set by the step that BUGs (it stops the boot or the
   * retrieve), so no invariant reads it.
   */
  readonly bug: number;
}

export const NO_BUG = 0;
export const BUG_EMPTY_ENTRY = 1;
export const BUG_UNMARKED_TABLE = 2;

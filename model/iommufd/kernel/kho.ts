/**
 * KHO (Kexec HandOver) as the old kernel uses it: the iommufd blob allocated
 * by kho_alloc_preserve (zeroed and marked; ERR_PTR on failure, never NULL,
 * kernel/liveupdate/kexec_handover.c) and freed by kho_unpreserve_free.
 * The marks on table pages live in each Domain (hw_pagetable.ts), the marks
 * on memfd folios in Memfd.kho (one bit per folio).
 *
 * Left out: the FDT, scratch memory, page orders, kho_preserve_folio of the
 * domain_ser and device_ser pages (their existence is a flag on the object).
 */
import { setAt } from '../state/copy.js';
import type { IommufdSer } from '../state/types.js';

export const NO_BLOB: IommufdSer = { allocated: false, nr: 0, slots: [], overflow: false, reclaimed: 0 };

/** kho_alloc_preserve(struct_size(iommufd_ser, hwpt_array, nr)), then nr_hwpts = nr. */
export function khoAllocPreserve(nr: number): IommufdSer {
  return { allocated: true, nr, slots: Array.from({ length: nr }, () => ({ token: 0, domain: 0 })), overflow: false, reclaimed: 0 };
}

/** hwpt_array[i].token = token; a write past nr_hwpts is recorded, not stored. */
export function writeSlotToken(b: IommufdSer, i: number, token: number): IommufdSer {
  if (i >= b.nr) return { ...b, overflow: true };
  return { ...b, slots: setAt(b.slots, i, { ...b.slots[i]!, token }) };
}

/** hwpt_array[i].domain_data = virt_to_phys(domain_ser) (1 + HWPT index here). */
export function writeSlotDomain(b: IommufdSer, i: number, hwpt: number): IommufdSer {
  if (i >= b.nr) return { ...b, overflow: true };
  return { ...b, slots: setAt(b.slots, i, { ...b.slots[i]!, domain: hwpt + 1 }) };
}

/** Slots whose domain_data is set. */
export function writtenSlots(b: IommufdSer): number {
  return b.slots.filter((x) => x.domain !== 0).length;
}

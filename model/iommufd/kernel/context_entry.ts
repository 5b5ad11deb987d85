/**
 * The IOMMU hardware as a device sees it: one VT-d context entry per device
 * (present or not, and the page table it points at), one PASID-table entry,
 * and the walk a DMA of a bus-mastering device takes through it.
 *
 * Mirrors drivers/iommu/intel/iommu.c (domain_context_mapping,
 * domain_context_clear_one): the hardware
 * is not reset by kexec and walks tables in RAM. Left out: root tables,
 * DIDs and the IOTLB (a context entry rewrite with the same table is a NOP
 * for DMA), scalable mode, nested translation, several IOMMU units.
 */
import { CTX_DEFAULT, CTX_NONE, DEFAULT_DOMAIN, type Domain, type State } from '../state/types.js';

/** The context entry the hardware holds for a group whose active domain is `dom`. */
export function ctxFor(s: State, dom: number): number {
  if (dom === DEFAULT_DOMAIN) return CTX_DEFAULT;
  if (dom < 0) return CTX_NONE;
  const r = s.hwpts[dom]!.restored;
  return r >= 0 ? r : dom;
}

/** Rewrites the context entry of every device of group `g` for its active domain (domain_context_mapping). */
export function syncGroupCtx(s: State, g: number): State {
  let ctx = s.ctx;
  s.devices.forEach((d, i) => {
    if (d.group !== g) return;
    const v = ctxFor(s, s.groups[g]!.domain);
    if (ctx[i] !== v) {
      if (ctx === s.ctx) ctx = s.ctx.slice();
      (ctx as number[])[i] = v;
    }
  });
  return ctx === s.ctx ? s : { ...s, ctx };
}

/** The page table a present context entry `p` walks: the RAM of HWPT slot p's domain. */
export function tableAt(s: State, p: number): Domain {
  return s.hwpts[p]!.domain;
}

/** What device `d`'s DMA to `iova` reaches: a pfn, or -1 (not present, not translated, or the kernel's DMA-API domain). */
export function translate(s: State, d: number, iova: number): number {
  const p = s.ctx[d]!;
  if (p < 0) return -1;
  return tableAt(s, p).leaves[iova] ?? -1;
}

/** The context entry points at a page table built by the previous kernel (a slot of an old HWPT). */
export function pointsAtOldTable(s: State, d: number, oldSlots: number): boolean {
  const p = s.ctx[d]!;
  return p >= 0 && p < oldSlots;
}

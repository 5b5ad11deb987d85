/**
 * Derived predicates across kexec that the new invariants read: the pages
 * a device's DMA walks and reaches and whether the running kernel owns
 * them, the translation every preserved device had at kexec, restored
 * domains, and what FINISH must leave behind.
 */
import { onUnclaimedRestored } from './boot.js';
import { booted } from './boot.js';
import { tableAt } from './context_entry.js';
import { reachablePages } from './hw_pagetable.js';
import { folioOfPfn, memfdOfPfn } from './pages.js';
import { domainOf, sameTree } from './rebuild.js';
import { BLOCKING_DOMAIN, PHASE_NEW, RS_FREED, RS_LIVE, type State } from './types.js';
import type { Switches } from './variants.js';

export { canFinishAll } from './finish.js';
export { onRestoredDomain, booted } from './boot.js';
export { translate } from './context_entry.js';
export { domainOf, sameTree } from './rebuild.js';

export const devName = (d: number): string => `dev${d + 1}`;

/** New kernel after B1: pages the old kernel did not KHO-mark are free RAM (before it, boot uses scratch only). */
export function memoryReused(s: State): boolean {
  return s.phase === PHASE_NEW && s.boot >= 1;
}

/** Context entry p points at tables the previous kernel built (a slot without a live HWPT in the new kernel). */
export function isOldTable(s: State, p: number): boolean {
  return s.phase === PHASE_NEW && p >= 0 && !s.hwpts[p]!.alive;
}

/** Every table page of slot p's domain is allocated in the running kernel. */
export function tablesAllocated(s: State, p: number): boolean {
  const h = s.hwpts[p]!;
  if (s.phase !== PHASE_NEW) return h.alive;
  if (!memoryReused(s) || h.alive) return true;
  const d = h.domain;
  if (d.restored === RS_LIVE) return true;
  if (d.restored === RS_FREED) return false;
  return (reachablePages(d) & ~d.kho) === 0;
}

/**
 * Guest page pfn is allocated in the running kernel: in the old kernel
 * every mapped page is (a pinned folio stays allocated after it leaves the
 * page cache); in the new kernel a folio memfd_luo KHO-marked (held for or
 * by the retrieved file until FINISH frees an unretrieved one), or one a
 * retrieved memfd allocated since.
 */
export function pageAllocated(s: State, pfn: number): boolean {
  if (!memoryReused(s)) return true;
  const m = s.memfds[memfdOfPfn(pfn)];
  if (!m) return false;
  const f = folioOfPfn(pfn);
  return (m.preserved && (m.kho & (1 << f)) !== 0) || (m.retrieved && m.cache.includes(f));
}

/** Why device d's DMA can reach free memory, or null. */
export function dmaToFree(s: State, d: number): string | null {
  const p = s.ctx[d]!;
  if (!s.devices[d]!.busMaster || p < 0) return null;
  if (!tablesAllocated(s, p)) return `${devName(d)} is bus mastering through a context entry whose page table (hwpt${p + 1}'s) is free memory`;
  const leaves = tableAt(s, p).leaves;
  for (let iova = 0; iova < leaves.length; iova++) {
    const pfn = leaves[iova]!;
    if (pfn >= 0 && !pageAllocated(s, pfn)) return `${devName(d)}'s DMA to iova ${iova} lands in memfd${memfdOfPfn(pfn) + 1}'s page, which is free memory`;
  }
  return null;
}

/** The window dma-continuity covers: the new kernel until FINISH or the close of the incoming session. */
export function beforeFinish(s: State): boolean {
  return s.phase === PHASE_NEW && s.session.open;
}

/** The translations device d had at kexec (per IOVA, -1 where unmapped), or undefined for a device without preserved state. */
export function atFreeze(s: State, d: number): readonly number[] | undefined {
  const p = s.devices[d]!.atFreeze;
  return p >= 0 ? s.hwpts[p]!.domain.leaves : undefined;
}

/** VMM threads all between ioctls in the booted new kernel (isQuiescent). */
export function isQuiescent(s: State): boolean {
  return s.phase === PHASE_NEW && booted(s) && s.nk.bug === 0 && s.threads.every((t) => t.pc === 'idle');
}

/** Device d's group is on a HWPT userspace built in the new kernel, translating as at kexec. */
export function rebuiltEqual(s: State, d: number): boolean {
  const g = s.groups[s.devices[d]!.group]!;
  const before = atFreeze(s, d);
  if (g.domain < 0 || before === undefined) return false;
  const h = s.hwpts[g.domain]!;
  return h.alive && h.restored < 0 && sameTree(domainOf(s, g.domain), s.hwpts[s.devices[d]!.atFreeze]!.domain);
}

/** restore-progress's premise: the VMM did its part of the protocol in the design the switches choose. */
export function vmmDidItsPart(sw: Switches, s: State): boolean {
  if (!s.session.open || !s.nk.retrieved) return false;
  if (s.nk.files !== (1 << s.session.files.length) - 1) return false;
  if (!s.devices.every((d, i) => !d.preserved || rebuiltEqual(s, i))) return false;
  if (sw.restore === 'rebuild') return true;
  const all = (1 << s.blob.nr) - 1;
  return (s.blob.reclaimed & all) === all && !s.hwpts.some((h) => h.alive && h.restored >= 0);
}

/** What FINISH (or cancel) left that finish-clean forbids. */
export function finishLeftovers(s: State): string[] {
  const out: string[] = [];
  s.groups.forEach((g, i) => {
    if (onUnclaimedRestored(s, i) >= 0) out.push(`group ${i + 1} is still on a restored domain${g.byToken ? ', owned by the dead token' : ''}`);
  });
  s.devices.forEach((d, i) => {
    if (!d.preserved) return;
    const g = s.groups[d.group]!;
    if (g.domain === BLOCKING_DOMAIN && !d.bound && d.busMaster) out.push(`${devName(i)} (cdev never reclaimed) was switched to blocking without an FLR while bus mastering`);
    if (g.domain === BLOCKING_DOMAIN && !d.bound && g.owned) out.push(`${devName(i)} (cdev never reclaimed) is still DMA-owned`);
  });
  if (s.nk.flb) out.push('the FLB pages were not returned');
  if (s.blob.allocated) out.push('the iommufd blob was not freed');
  return out;
}

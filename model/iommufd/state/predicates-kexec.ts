/**
 * Derived predicates across kexec that the new invariants read: the pages
 * a device's DMA walks and reaches and whether the running kernel owns
 * them, the translation every preserved device had at kexec, restored
 * domains, and what FINISH must leave behind.
 *
 * Neutral, as predicates.ts (test/invariants/neutral-imports.test.ts): it
 * imports only the state types and predicates.ts, and reads the hardware
 * (context entries, table pages, leaves) the way a device's DMA does, not
 * through the new kernel's restore or compare code.
 */
import { BLOCKING_DOMAIN, CTX_NONE, PHASE_NEW, RS_FREED, RS_LIVE, type Domain, type State } from './types.js';
import { folioOfPfn, memfdOfPfn, reachablePages } from './predicates.js';

export const devName = (d: number): string => `dev${d + 1}`;

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

/** The old slot whose restored domain group g is on and that nobody reclaimed as a HWPT, -1 if none. */
export function onUnclaimedRestored(s: State, g: number): number {
  const dom = s.groups[g]!.domain;
  return dom >= 0 && !s.hwpts[dom]!.alive ? dom : -1;
}

/** The old slot whose restored domain group g is on (the core's, or wrapped by a rehydrated HWPT), -1 if none. */
export function onRestoredDomain(s: State, g: number): number {
  const dom = s.groups[g]!.domain;
  if (dom < 0) return -1;
  const h = s.hwpts[dom]!;
  return h.alive ? h.restored : dom;
}

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

/**
 * Device d's group is on a HWPT userspace built in the new kernel, and the
 * table its context entry points at translates every IOVA as at kexec
 * (mapped or not): read off the hardware, not the kernel's compare.
 */
export function rebuiltEqual(s: State, d: number): boolean {
  const g = s.groups[s.devices[d]!.group]!;
  const before = atFreeze(s, d);
  if (g.domain < 0 || before === undefined) return false;
  const h = s.hwpts[g.domain]!;
  if (!h.alive || h.restored >= 0) return false;
  for (let iova = 0; iova < before.length; iova++) if (translate(s, d, iova) !== before[iova]) return false;
  return true;
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
    if (s.ctx[i] === CTX_NONE && !d.bound && d.busMaster) out.push(`${devName(i)} (cdev never reclaimed) is bus mastering through a context entry that is not present: its in-flight DMA faults (no FLR)`);
    if (g.domain === BLOCKING_DOMAIN && !d.bound && g.owned) out.push(`${devName(i)} (cdev never reclaimed) is still DMA-owned`);
  });
  if (s.nk.flb) out.push('the FLB pages were not returned');
  if (s.blob.allocated) out.push('the iommufd blob was not freed');
  return out;
}

/**
 * Derived predicates the invariants read (questions about a state). They
 * live beside the model so that invariants/ stays one small file each.
 *
 * Neutral (test/invariants/neutral-imports.test.ts): this file imports
 * nothing but the state types, and no action imports it, so what an
 * invariant concludes is computed apart from the code it judges. Several
 * helpers restate a one-line reading of the state an action file also has
 * (mappedAreas, reachablePages, attachedCount...) on purpose: a mistake in
 * the action's copy must not hide itself.
 */
import { FILE_IOMMUFD, PAGES_PER_MEMFD, type Action, type Domain, type IommufdSer, type Ioas, type IoptArea, type Pc, type State } from './types.js';

export const hwptName = (h: number): string => `hwpt${h + 1}`;
export const ioasName = (i: number): string => `ioas${i + 1}`;

/* Program counters of the iommufd preserve (liveupdate.ts), as the invariants read them. */
/** ictx.liveupdate_mutex is held from P0 until the preserve or unpreserve returns (or forever, after an oops). */
const LU_MUTEX_PCS: readonly Pc[] = ['P1', 'P2', 'P3a', 'P3c_imm', 'P3c_check', 'P3c_domain', 'P3c_err', 'P3e', 'UNPRESERVE', 'OOPS'];
/** Between P3a (iommufd_lock_obj) and P3e the HWPT in hand carries the preserve's reference. */
const LOCK_REF_PCS: readonly Pc[] = ['P3c_imm', 'P3c_check', 'P3c_domain', 'P3c_err', 'P3e'];
/** Between P1 and P4: nr_hwpts has been counted and the blob is not published yet. */
const PRESERVE_WINDOW_PCS: readonly Pc[] = ['P2', 'P3a', 'P3c_imm', 'P3c_check', 'P3c_domain', 'P3c_err', 'P3e'];
/** iommufd_preserve_hwpt in progress for `cur`. */
const PRESERVE_HWPT_PCS: readonly Pc[] = ['P3c_check', 'P3c_domain', 'P3c_err', 'P3e'];

/** The mappings DMA can see: areas whose pages are set (a NULL-pages area is only a reservation). */
export function mappedAreas(io: Ioas): readonly IoptArea[] {
  return io.areas.filter((x) => x.pages);
}

export function isImmutable(io: Ioas): boolean {
  return io.immutable > 0;
}

/** Table pages reachable from the root: bit 0 the root, bit 1+t leaf table t. */
export function reachablePages(d: Domain): number {
  return 1 | (d.tables << 1);
}

/** Table pages that carry a KHO mark but are no longer allocated. */
export function leakedMarks(d: Domain): number {
  return d.kho & ~reachablePages(d);
}

export function memfdOfPfn(pfn: number): number {
  return Math.floor(pfn / PAGES_PER_MEMFD);
}

export function folioOfPfn(pfn: number): number {
  return pfn % PAGES_PER_MEMFD;
}

/** Slots of the blob whose domain_data is set. */
export function writtenSlots(b: IommufdSer): number {
  let n = 0;
  for (const x of b.slots) if (x.domain !== 0) n++;
  return n;
}

// The helpers below run on every state the search takes (through the
// invariants), so they are loops: an arrow that reads a parameter makes V8
// allocate a context on every call, and a filter an array.

export function inSession(s: State, file: number): boolean {
  for (const f of s.session.files) if (f.file === file) return true;
  return false;
}

export function tokenInSession(s: State, token: number): boolean {
  for (const f of s.session.files) if (f.token === token) return true;
  return false;
}

/** Devices whose idev names HWPT h. */
export function attachedCount(s: State, h: number): number {
  let n = 0;
  for (const d of s.devices) if (d.hwpt === h) n++;
  return n;
}

/** Devices of group g attached to some HWPT. */
export function attachedInGroup(s: State, g: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.devices.length; i++) {
    const d = s.devices[i]!;
    if (d.group === g && d.hwpt >= 0) out.push(i);
  }
  return out;
}

/** How many devices of group g are attached to some HWPT (attachedInGroup's length, without the list). */
export function attachedInGroupCount(s: State, g: number): number {
  let n = 0;
  for (const d of s.devices) if (d.group === g && d.hwpt >= 0) n++;
  return n;
}

/** The group is DMA-owned and its active domain is a HWPT's domain with preserved_state. */
export function groupOnPreservedDomain(s: State, g: number): boolean {
  const grp = s.groups[g]!;
  if (!grp.owned || grp.domain < 0) return false;
  const h = s.hwpts[grp.domain]!;
  return h.alive && h.domain.preservedState;
}

/** A live marked HWPT carries this token. */
export function markedTokenInUse(s: State, token: number): boolean {
  for (const h of s.hwpts) if (h.alive && h.marked && h.token === token) return true;
  return false;
}

/** References to HWPT h that a preserve thread holds (iommufd_lock_obj between P3a and P3e, or at P1 with hwptCount=stable). */
export function inFlightRefs(s: State, h: number): number {
  let n = 0;
  for (const t of s.threads) {
    if (LOCK_REF_PCS.includes(t.pc) && t.cur === h) n++;
    if (t.held & (1 << h)) n++;
  }
  return n;
}

/** users the bookkeeping accounts for: the xarray, attached devices, iommufd_lock_obj references. */
export function expectedUsers(s: State, h: number): number {
  const x = s.hwpts[h]!;
  return 1 + attachedCount(s, h) + (x.preserved ? 1 : 0) + inFlightRefs(s, h);
}

/** The HWPT is preserved: liveupdate_preserved, or its domain already has preserved_state. */
export function isPreserved(s: State, h: number): boolean {
  const x = s.hwpts[h]!;
  return x.alive && (x.preserved || x.domain.preservedState);
}

/** HWPTs on `ioas` with liveupdate_preserved set. */
export function preservedOn(s: State, ioas: number, except = -1): number {
  let n = 0;
  for (let i = 0; i < s.hwpts.length; i++) {
    const h = s.hwpts[i]!;
    if (i !== except && h.alive && h.preserved && h.ioas === ioas) n++;
  }
  return n;
}

/** Shares of the IOAS's immutability a correct kernel accounts for: preserved HWPTs plus the one in flight. */
export function immutabilitySharers(s: State, ioas: number): number {
  let inFlight = false;
  for (const t of s.threads) if (PRESERVE_HWPT_PCS.includes(t.pc) && t.made && s.hwpts[t.cur]?.ioas === ioas) inFlight = true;
  return preservedOn(s, ioas) + (inFlight ? 1 : 0);
}

/** Some thread stands at one of `pcs`. */
function someThreadAt(s: State, pcs: readonly Pc[]): boolean {
  for (const t of s.threads) if (pcs.includes(t.pc)) return true;
  return false;
}

/** Some preserve thread has counted nr_hwpts and not yet returned. */
export function preserveInWindow(s: State): boolean {
  return someThreadAt(s, PRESERVE_WINDOW_PCS);
}

/** The iommufd file is in the session and no preserve/unpreserve holds lu_mutex: the blob is published. */
export function blobPublished(s: State): boolean {
  return inSession(s, FILE_IOMMUFD) && !someThreadAt(s, LU_MUTEX_PCS);
}

/** The step ends a PRESERVE_FD (the thread was in it and is idle afterwards, or it was a one-step handler). */
export function endsPreserveFd(prev: State, a: Action, next: State): boolean {
  if (a.op.op !== 'preserve_fd') return false;
  const t = next.threads[a.pid]!;
  return t.op === -1 && (t.done & (1 << a.idx)) !== 0 && (prev.threads[a.pid]!.done & (1 << a.idx)) === 0;
}

/** The step ends a failed PRESERVE_FD: it returned without appending the file. */
export function endsFailedPreserveFd(prev: State, a: Action, next: State): boolean {
  return endsPreserveFd(prev, a, next) && next.session.files.length === prev.session.files.length;
}

/** Nothing of the kernel's state (all but the threads) differs between the two states. */
export function sameKernelState(a: State, b: State): boolean {
  return (
    a.memfds === b.memfds && a.ioas === b.ioas && a.hwpts === b.hwpts && a.devices === b.devices &&
    a.groups === b.groups && a.session === b.session && a.blob === b.blob
  );
}

/** What the iommufd preserve callback leaves behind: the reasons the state is not as before it. */
export function iommufdLeftovers(s: State): string[] {
  const out: string[] = [];
  s.hwpts.forEach((h, i) => {
    if (h.preserved) out.push(`${hwptName(i)} still liveupdate_preserved`);
    if (h.domain.preservedState) out.push(`${hwptName(i)}'s domain still has preserved_state`);
    if (h.domain.kho) out.push(`${hwptName(i)}'s table pages still KHO-marked (mask ${h.domain.kho})`);
  });
  s.ioas.forEach((io, i) => {
    if (io.immutable) out.push(`${ioasName(i)} still immutable`);
  });
  if (s.blob.allocated) out.push('the iommufd blob is still allocated');
  return out;
}

/**
 * Derived predicates the invariants read (questions about a state). They
 * live beside the model so that invariants/ stays one small file each.
 */
import { inFlightShare, luMutexHeld, PRESERVE_WINDOW_PCS } from './process.js';
import { FILE_IOMMUFD, type Action, type State } from './types.js';

export { expectedUsers } from './main.js';
export { leakedMarks, reachablePages } from './hw_pagetable.js';
export { markedTokenInUse } from './liveupdate.js';
export { mappedAreas } from './io_pagetable.js';
export { inFlightRefs } from './process.js';

export const hwptName = (h: number): string => `hwpt${h + 1}`;
export const ioasName = (i: number): string => `ioas${i + 1}`;

/** The HWPT is preserved: liveupdate_preserved, or its domain already has preserved_state. */
export function isPreserved(s: State, h: number): boolean {
  const x = s.hwpts[h]!;
  return x.alive && (x.preserved || x.domain.preservedState);
}

/** HWPTs on `ioas` with liveupdate_preserved set. */
export function preservedOn(s: State, ioas: number, except = -1): number {
  return s.hwpts.filter((h, i) => i !== except && h.alive && h.preserved && h.ioas === ioas).length;
}

/** Shares of the IOAS's immutability a correct kernel accounts for: preserved HWPTs plus the one in flight. */
export function immutabilitySharers(s: State, ioas: number): number {
  return preservedOn(s, ioas) + (inFlightShare(s, ioas) ? 1 : 0);
}

/** Some preserve thread has counted nr_hwpts and not yet returned. */
export function preserveInWindow(s: State): boolean {
  return s.threads.some((t) => PRESERVE_WINDOW_PCS.includes(t.pc));
}

/** The iommufd file is in the session and no preserve/unpreserve holds lu_mutex: the blob is published. */
export function blobPublished(s: State): boolean {
  return s.session.files.some((f) => f.file === FILE_IOMMUFD) && !luMutexHeld(s);
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
    a.groups === b.groups && a.session === b.session && a.blob === b.blob && a.oops === b.oops
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

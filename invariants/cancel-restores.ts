/**
 * cancel-restores: a PRESERVE_FD that fails, and closing the
 * session (cancel), leave nothing preserved behind: no HWPT preserved, every
 * IOAS mutable, no domain preserved_state, no KHO marks on table pages, the
 * blob freed, no preserve reference on a HWPT, memfds unfrozen after the
 * close, no device_ser. A PRESERVE_FD whose task died in the kernel (its
 * thread stopped inside the callback, holding lu_mutex) neither succeeded
 * nor restored anything, so it fails this too (known case 5.12, a design
 * check: the allocCheck switch states the write through ERR_PTR; 5.7 under
 * pagesNull=oops: the page check reads an in-flight area's NULL pages).
 *
 * Refined: "as before PRESERVE_FD" is checked as "nothing of the iommufd
 * preserve remains" (one iommufd, one session: before a successful preserve
 * nothing of it exists) for the multi-step iommufd callback, and as "no
 * kernel object changed" for the one-step memfd and cdev handlers. Marks
 * stay: there is no unmark, so they are not part of "as before".
 */
import type { InvariantFactory } from './types.js';
import { attachedCount, endsFailedPreserveFd, hwptName, iommufdLeftovers, sameKernelState } from '../model/iommufd/state/predicates.js';
import type { State } from '../model/iommufd/state/types.js';

function refsLeft(s: State): string[] {
  return s.hwpts.flatMap((h, i) => (h.alive && h.users !== 1 + attachedCount(s, i) ? [`${hwptName(i)} still has users = ${h.users}`] : []));
}

function closeLeftovers(s: State): string[] {
  const out = [...iommufdLeftovers(s), ...refsLeft(s)];
  s.memfds.forEach((m, i) => {
    if (m.frozen || m.preserved) out.push(`memfd${i + 1} still frozen/preserved`);
  });
  s.devices.forEach((d, i) => {
    if (d.preserved) out.push(`dev${i + 1} still has device_ser`);
  });
  return out;
}

const make: InvariantFactory = () => ({
  id: 'cancel-restores',
  title: 'A failed PRESERVE_FD and a session close leave nothing preserved behind',
  kind: 'step',
  source: 'kernel/liveupdate/luo_file.c (unhappy path: unpreserve in reverse order on failure and on session close)',
  statement:
    'When PRESERVE_FD returns an error, the kernel state is as before it; when the outgoing session fd is ' +
    'closed, no file, HWPT, domain, IOAS, KHO mark or device_ser of it remains preserved.',
  check: (prev, a, next) => {
    if (a.op.op === 'preserve_fd' && next.threads[a.pid]!.pc === 'OOPS' && prev.threads[a.pid]!.pc !== 'OOPS') {
      const at = prev.threads[a.pid]!.pc;
      const why = at === 'P2' ? "kho_alloc_preserve's ERR_PTR written through" : at === 'P3c_check' ? 'pages->type read through the NULL pages of an area whose map is in flight' : 'an oops';
      return `PRESERVE_FD(iommufd) died in the kernel at ${at} holding lu_mutex: it never returns, nothing it did is undone (${why}), instead of an error with nothing changed`;
    }
    if (endsFailedPreserveFd(prev, a, next)) {
      if (prev.threads[a.pid]!.op === -1) return sameKernelState(prev, next) ? null : 'a one-step PRESERVE_FD failed but changed kernel state';
      const left = [...iommufdLeftovers(next), ...refsLeft(next)];
      return left.length ? `PRESERVE_FD(iommufd) failed but left: ${left.join('; ')}` : null;
    }
    if (a.type === 'luo_session_release' && prev.session.open && !next.session.open) {
      const left = closeLeftovers(next);
      return left.length ? `closing the session left: ${left.join('; ')}` : null;
    }
    return null;
  },
  witness: {
    title: 'PRESERVE_FD(iommufd) failed after its callback had started and returned with nothing left',
    reached: (prev, a, next) =>
      prev !== undefined && a !== undefined && a.op.op === 'preserve_fd' && prev.threads[a.pid]!.op !== -1 &&
      endsFailedPreserveFd(prev, a, next) && iommufdLeftovers(next).length === 0,
  },
});
export default make;

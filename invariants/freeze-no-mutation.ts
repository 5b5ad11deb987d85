/**
 * freeze-no-mutation: once preserve has made an IOAS
 * immutable, or while a HWPT on it is preserved, no step changes its
 * mappings or the translations of its domains; and once reboot(KEXEC) has
 * frozen a file, no userspace step runs until the jump. The jump itself
 * drops every iommufd object and is not a mutation.
 *
 * Refined: a state predicate would need the mappings as they were at
 * preserve time; as a step property it compares each transition instead.
 * Only mappings count (areas whose pages are set, and domain leaves): with
 * immutableCheck=fill-domains a MAP_FILE may still insert a NULL-pages
 * area into an immutable IOAS at M2 and remove it on -EBUSY at M3, which
 * a device never sees. "Immutable" covers the HWPT in flight too, whose
 * pages are being checked against the very mappings a map could change.
 */
import type { InvariantFactory } from './types.js';
import { V2_13_16 } from './types.js';
import { ioasName, isImmutable, isPreserved, mappedAreas } from '../model/iommufd/state/predicates.js';
import { PHASE_FROZEN, PHASE_NEW, type Action, type Ioas, type State } from '../model/iommufd/state/types.js';

function frozen(s: State, ioas: number): boolean {
  if (isImmutable(s.ioas[ioas]!)) return true;
  for (let i = 0; i < s.hwpts.length; i++) if (s.hwpts[i]!.ioas === ioas && isPreserved(s, i)) return true;
  return false;
}

/** The same pages mapped at the same IOVAs (an unchanged IOAS object has them trivially: states are immutable). */
function sameAreas(p: Ioas, n: Ioas): boolean {
  if (p === n) return true;
  const x = mappedAreas(p);
  const y = mappedAreas(n);
  return x.length === y.length && x.every((a, i) => a.iova === y[i]!.iova && a.memfd === y[i]!.memfd && a.page === y[i]!.page);
}

/** The same leaves (pfn per IOVA) in both domains. */
function sameLeaves(p: readonly number[], n: readonly number[]): boolean {
  for (let j = 0; j < p.length; j++) if (n[j] !== p[j]) return false;
  return true;
}

// Checked on every step while an IOAS is frozen: loops, not arrows that
// read the arguments (each would cost a context per call).
function sameMappings(prev: State, next: State, ioas: number): boolean {
  if (!sameAreas(prev.ioas[ioas]!, next.ioas[ioas]!)) return false;
  if (prev.hwpts === next.hwpts) return true;
  for (let i = 0; i < prev.hwpts.length; i++) {
    const h = prev.hwpts[i]!;
    const n = next.hwpts[i]!;
    if (h.alive && n.alive && h.ioas === ioas && !sameLeaves(h.domain.leaves, n.domain.leaves)) return false;
  }
  return true;
}

function isMapOrUnmap(a: Action | undefined): a is Extract<Action, { type: 'iommufd_ioas_map_file' | 'iommufd_ioas_unmap' }> {
  return a?.type === 'iommufd_ioas_map_file' || a?.type === 'iommufd_ioas_unmap';
}

const make: InvariantFactory = () => ({
  id: 'freeze-no-mutation',
  title: 'No map or unmap changes an IOAS that is immutable or has a preserved HWPT',
  kind: 'step',
  source: `the commit text of ${V2_13_16}: 'any map/unmap attempts will fail with -EBUSY'; torvalds/linux kernel/liveupdate/luo_file.c`,
  statement:
    'For every IOAS that is immutable or has a preserved HWPT before a step, the step leaves its mapped areas ' +
    'and the leaves of its HWPTs\' domains unchanged; between the first freeze and the jump no userspace step runs.',
  check: (prev, a, next) => {
    if (prev.phase === PHASE_FROZEN && a.pid >= 0) return `T${a.pid + 1} ran a userspace step after reboot(KEXEC) froze the session`;
    if (next.phase === PHASE_NEW) return null;
    for (let i = 0; i < prev.ioas.length; i++) {
      if (frozen(prev, i) && !sameMappings(prev, next, i)) return `the mappings of ${ioasName(i)} changed while it is immutable or preserved`;
    }
    return null;
  },
  witness: {
    title: 'a map or unmap on an immutable IOAS was refused with -EBUSY',
    reached: (prev, a, next) =>
      prev !== undefined && isMapOrUnmap(a) && isImmutable(prev.ioas[a.op.ioas]!) &&
      next.threads[a.pid]!.op === -1 && sameMappings(prev, next, a.op.ioas),
  },
});
export default make;

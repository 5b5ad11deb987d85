/**
 * restore-no-panic: the new kernel never hits BUG() on the state the old
 * kernel handed over: every page it reclaims by physical address
 * (kho_restore_folio) carries a KHO mark. The posted code BUGs when a
 * restore fails, since memory integrity can no longer be proven; so an
 * inconsistent hand-over is a crash of the new kernel. This is how the old
 * kernel's bugs show after the jump: the count race (known case 5.2) leaves
 * an entry with domain_data 0 that the iommufd's retrieve walks.
 *
 * It states the consequence the count race's last step names (the new
 * kernel's retrieve walking the entry).
 */
import type { InvariantFactory } from './types.js';
import { SEED_003 } from './types.js';
import { devName } from '../model/iommufd/state/predicates-kexec.js';
import { hwptName, reachablePages } from '../model/iommufd/state/predicates.js';
import { FILE_IOMMUFD, PHASE_NEW, RS_NONE, type State } from '../model/iommufd/state/types.js';

/** The incoming session's iommufd file was retrieved: its retrieve walked hwpt_array[0..nr_hwpts). */
function iommufdRetrieved(s: State): boolean {
  const i = s.session.files.findIndex((f) => f.file === FILE_IOMMUFD);
  return i >= 0 && (s.nk.files & (1 << i)) !== 0;
}

/**
 * Read off what the new kernel reads, not off the step that BUGs: the blob
 * entries the iommufd retrieve dereferences by physical address, and the
 * table pages iommu_restore_domain reclaims for a probed device.
 */
function whyBug(s: State): string | null {
  if (s.phase !== PHASE_NEW) return null;
  if (iommufdRetrieved(s)) {
    const i = s.blob.slots.findIndex((x) => x.domain === 0);
    if (i >= 0) return `the iommufd retrieve read hwpt_array[${i}] (nr_hwpts = ${s.blob.nr}) with domain_data 0: PA 0 is no KHO-marked page, kho_restore_folio fails and the new kernel BUGs`;
  }
  for (let d = 0; d < s.devices.length; d++) {
    const dev = s.devices[d]!;
    const h = dev.atFreeze;
    if ((s.probed & (1 << d)) === 0 || !dev.preserved || h < 0) continue;
    const dom = s.hwpts[h]!.domain;
    if (!dom.preservedState || dom.restored !== RS_NONE) continue;
    const unmarked = reachablePages(dom) & ~dom.kho;
    if (unmarked !== 0) return `probing ${devName(d)} restores ${hwptName(h)}'s domain, whose table pages (mask ${unmarked}) carry no KHO mark: kho_restore_folio fails and the new kernel BUGs`;
  }
  return null;
}

const make: InvariantFactory = () => ({
  id: 'restore-no-panic',
  title: 'The new kernel never BUGs on the preserved state it restores',
  kind: 'state',
  source: `${SEED_003} (the HWPT count TOCTOU: 'a bug in the new kernel as it may try to restore nr_hwpts which is one more than the preserved HWPTs'); BUG() on restore failure in drivers/iommu/liveupdate.c (samikhawaja/linux)`,
  statement: 'Every page the new kernel reclaims by physical address (blob entries, domain_ser, table pages) was KHO-marked by the old kernel.',
  check: whyBug,
  witness: {
    title: 'the iommufd retrieve walked every blob entry and restored its domain_ser',
    reached: (p, a, s) => p !== undefined && a?.type === 'luo_retrieve_file' && a.op.file.kind === 'iommufd' && whyBug(s) === null && s.nk.files !== p.nk.files && s.blob.nr > 0,
  },
});
export default make;

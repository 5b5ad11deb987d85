/**
 * restore-no-panic: the new kernel never hits BUG() on the state the old
 * kernel handed over: every page it reclaims by physical address
 * (kho_restore_folio) carries a KHO mark. The posted code BUGs when a
 * restore fails, since memory integrity can no longer be proven; so an
 * inconsistent hand-over is a crash of the new kernel. This is how the old
 * kernel's bugs show after the jump: the count race (DOMAIN.md 5.2) leaves
 * an entry with domain_data 0 that the iommufd's retrieve walks.
 *
 * Not in DOMAIN.md section 4; it states the consequence 5.2 step 5 names.
 */
import type { InvariantFactory } from './types.js';
import { SEED_003 } from './types.js';
import { BUG_EMPTY_ENTRY, BUG_UNMARKED_TABLE } from '../model/iommufd/types.js';

const WHY: Readonly<Record<number, string>> = {
  [BUG_EMPTY_ENTRY]: 'the iommufd retrieve met a hwpt_array entry with domain_data 0 (PA 0 treated as a domain_ser): kho_restore_folio fails and the new kernel BUGs',
  [BUG_UNMARKED_TABLE]: 'iommu_restore_domain met a table page without a KHO mark: kho_restore_folio fails and the new kernel BUGs',
};

const make: InvariantFactory = () => ({
  id: 'restore-no-panic',
  title: 'The new kernel never BUGs on the preserved state it restores',
  kind: 'state',
  source: `${SEED_003} (the HWPT count TOCTOU: 'a bug in the new kernel as it may try to restore nr_hwpts which is one more than the preserved HWPTs'); BUG() on restore failure in drivers/iommu/liveupdate.c (samikhawaja/linux)`,
  statement: 'Every page the new kernel reclaims by physical address (blob entries, domain_ser, table pages) was KHO-marked by the old kernel.',
  check: (s) => (s.nk.bug ? (WHY[s.nk.bug] ?? 'the new kernel hit BUG()') : null),
  witness: {
    title: 'the iommufd retrieve walked every blob entry and restored its domain_ser',
    reached: (p, a, s) => p !== undefined && a?.type === 'luo_retrieve_file' && a.op.file.kind === 'iommufd' && s.nk.bug === 0 && s.nk.files !== p.nk.files && s.blob.nr > 0,
  },
});
export default make;

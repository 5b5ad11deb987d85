import { expect, test } from 'vitest';
import { BUG_EMPTY_ENTRY, RS_NONE } from '../../model/iommufd/state/types.js';
import { booted } from '../model/helpers-kexec.js';
import { inv, modelFor, stateCheck, walk } from './helpers.js';

const P = (step: string) => [`iommufd_preserve ${step}`, 'T1'] as [string, string];
const PRESERVE = [P('P0'), P('P1'), P('P2'), P('P3a'), P('P3c_imm'), P('P3c_check'), P('P3c_domain'), P('P3e')];

test('restore-no-panic: the retrieve of a blob with an empty entry (5.2) BUGs; a consistent blob does not', () => {
  const i = inv('restore-no-panic');
  const race = modelFor('count-race', { hwptCount: 'two-pass' });
  const tail = [ // no device, so B3 has nothing to probe
    'iommufd_preserve P4', 'reboot(KEXEC): freeze iommufd', 'kexec', 'B1 ', 'B2 ', 'RETRIEVE_SESSION', 'RETRIEVE_FD iommufd'];
  const bad = walk(race, [P('P0'), P('P1'), ['IOMMU_DESTROY hwpt2', 'T2'], P('P2'), ...PRESERVE.slice(3), ...tail]);
  expect(bad.nk.bug).toBe(BUG_EMPTY_ENTRY);
  expect(stateCheck(i, bad)).toMatch(/domain_data 0/);
  expect(race.actions(bad)).toEqual([]); // the machine is dead
  const fine = modelFor('count-race');
  const good = walk(fine, [...PRESERVE, P('P3a'), P('P3c_imm'), P('P3c_domain'), P('P3e'), ...tail]);
  expect(stateCheck(i, good)).toBeNull();
  expect(stateCheck(i, { ...good, nk: { ...good.nk, bug: BUG_EMPTY_ENTRY } })).toBeNull(); // the step's BUG record is not what it reads
  // a probed preserved device whose domain's table pages lost their KHO mark
  const { s: b } = booted();
  const d = b.devices.findIndex((x) => x.preserved && x.atFreeze >= 0);
  const h = b.devices[d]!.atFreeze;
  expect(stateCheck(i, b)).toBeNull();
  const unmarked = { ...b, hwpts: b.hwpts.map((x, k) => (k === h ? { ...x, domain: { ...x.domain, kho: 0, restored: RS_NONE } } : x)) };
  expect(stateCheck(i, unmarked)).toMatch(/carry no KHO mark: kho_restore_folio fails/);
});

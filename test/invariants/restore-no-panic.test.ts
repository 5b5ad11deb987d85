import { expect, test } from 'vitest';
import { BUG_EMPTY_ENTRY, BUG_UNMARKED_TABLE } from '../../model/iommufd/types.js';
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
  expect(stateCheck(i, { ...good, nk: { ...good.nk, bug: BUG_UNMARKED_TABLE } })).toMatch(/table page without a KHO mark/);
});

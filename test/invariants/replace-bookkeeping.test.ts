import { expect, test } from 'vitest';
import { inv, modelFor, stateCheck, walk, withHwpt } from './helpers.js';

const ATTACHED = ['ATTACH dev1 -> hwpt1', 'ATTACH dev2 -> hwpt1', 'ATTACH dev3 -> hwpt1'];

test('holds after a group-wide REPLACE', () => {
  const m = modelFor('group-replace');
  expect(stateCheck(inv('replace-bookkeeping'), walk(m, [...ATTACHED, 'REPLACE dev1 -> hwpt2']))).toBeNull();
});

test('violated: lagging idevs after a per-device REPLACE; a users count that is off', () => {
  const m = modelFor('group-replace', { replace: 'per-device' });
  const s = walk(m, [...ATTACHED, 'REPLACE dev1 -> hwpt2']);
  expect(stateCheck(inv('replace-bookkeeping'), s)).toMatch(/dev2 is recorded on hwpt1 while its group's hardware uses hwpt2/);
  const off = withHwpt(modelFor('group-replace').initStates()[0]!, 1, (h) => ({ ...h, users: 3 }));
  expect(stateCheck(inv('replace-bookkeeping'), off)).toMatch(/hwpt2 has users = 3, bookkeeping accounts for 1/);
  const ghost = { ...off, hwpts: modelFor('group-replace').initStates()[0]!.hwpts, groups: [{ domain: 0, owned: true, hwpt: 0, byToken: false }] };
  expect(stateCheck(inv('replace-bookkeeping'), ghost)).toMatch(/names hwpt1 with no device attached/);
});

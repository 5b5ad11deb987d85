import { expect, test } from 'vitest';
import { inv, modelFor, stateCheck, walk } from './helpers.js';

const TO_B2 = ['reboot(KEXEC): freeze memfd1', 'kexec', 'B1 ', 'B2 '];

test('ctx-sanitized: after B2 only preserved devices point at the old tables or keep PASID entries', () => {
  const i = inv('ctx-sanitized');
  const ok = walk(modelFor('sanitize'), TO_B2);
  expect(stateCheck(i, ok)).toBeNull();
  const before = walk(modelFor('sanitize', { sanitize: 'none' }), TO_B2.slice(0, 3));
  expect(stateCheck(i, before)).toBeNull(); // before the takeover the entries are the old kernel's
  expect(stateCheck(i, walk(modelFor('sanitize', { sanitize: 'none' }), TO_B2))).toMatch(/dev1 has no preserved state but its context entry still points at the previous kernel's hwpt1 tables/);
  expect(stateCheck(i, walk(modelFor('sanitize', { sanitize: 'ctx-only' }), TO_B2))).toMatch(/dev1 has no preserved state but its PASID-table entry survived/);
});

import { expect, test } from 'vitest';
import { inv, modelFor, stateCheck, withHwpt } from './helpers.js';

test('holds: distinct marked tokens and file tokens', () => {
  expect(stateCheck(inv('token-once'), modelFor('count-race').initStates()[0]!)).toBeNull();
});

test('violated: two marked HWPTs or two session files with one token', () => {
  const s = modelFor('count-race').initStates()[0]!;
  expect(stateCheck(inv('token-once'), withHwpt(s, 1, (h) => ({ ...h, token: 1 })))).toMatch(/two marked HWPTs share token 1/);
  const f = { ...s, session: { open: true, files: [{ file: 0, token: 4 }, { file: 100, token: 4 }] } };
  expect(stateCheck(inv('token-once'), f)).toMatch(/two preserved files share token 4/);
});

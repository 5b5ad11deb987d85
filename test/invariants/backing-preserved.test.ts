import { expect, test } from 'vitest';
import { inv, modelFor, stateCheck, walk, withHwpt } from './helpers.js';

const P = (x: string) => `iommufd_preserve ${x}`;

test('holds: the preserved HWPT maps only the preserved, in-session memfd', () => {
  const m = modelFor('map-in-flight');
  const s = walk(m, [P('P0'), P('P1'), P('P2'), P('P3a'), P('P3c_imm'), P('P3c_check'), P('P3c_domain'), P('P3e'), P('P4')]);
  expect(stateCheck(inv('backing-preserved'), s)).toBeNull();
});

test('violated: a preserved domain maps a page of an unpreserved memfd, or an area from outside the session', () => {
  const m = modelFor('map-in-flight');
  const s0 = withHwpt(m.initStates()[0]!, 0, (h) => ({ ...h, preserved: true }));
  const leaf = withHwpt(s0, 0, (h) => ({ ...h, domain: { ...h.domain, leaves: [0, -1, 8, -1] } }));
  expect(stateCheck(inv('backing-preserved'), leaf)).toMatch(/memfd2, which is not KHO-preserved/);
  const area = { ...s0, session: { open: true, files: [] } };
  expect(stateCheck(inv('backing-preserved'), area)).toMatch(/maps memfd1 at iova 0, which is not in the session/);
});

import { expect, test } from 'vitest';
import { inv, modelFor, stateCheck, walk } from './helpers.js';

const P = (x: string) => `iommufd_preserve ${x}`;
const ONE = [P('P3a'), P('P3c_imm'), P('P3c_check'), P('P3c_domain'), P('P3e')];

test('holds once published when every counted HWPT was preserved; not checked mid-loop', () => {
  const m = modelFor('count-race');
  const mid = walk(m, [P('P0'), P('P1'), P('P2'), ...ONE]);
  expect(stateCheck(inv('blob-count-matches'), mid)).toBeNull();
  const done = walk(m, [P('P3a'), P('P3c_imm'), P('P3c_domain'), P('P3e'), P('P4')], mid);
  expect(done.blob.nr).toBe(2);
  expect(stateCheck(inv('blob-count-matches'), done)).toBeNull();
});

test('violated: nr_hwpts above the preserved count, or a write past nr_hwpts', () => {
  const m = modelFor('count-race', { hwptCount: 'two-pass' });
  const s = walk(m, [P('P0'), P('P1'), ['IOMMU_DESTROY hwpt2', 'T2'], P('P2'), ...ONE, P('P4')]);
  expect(stateCheck(inv('blob-count-matches'), s)).toMatch(/nr_hwpts = 2 but 1/);
  const o = { ...m.initStates()[0]!, blob: { allocated: true, nr: 0, slots: [], overflow: true, reclaimed: 0 } };
  expect(stateCheck(inv('blob-count-matches'), o)).toMatch(/past nr_hwpts/);
});

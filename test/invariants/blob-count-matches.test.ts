import { expect, test } from 'vitest';
import { inv, modelFor, stateCheck, walk } from './helpers.js';

const P = (x: string) => `iommufd_preserve ${x}`;
const ONE = [P('P3a'), P('P3c_imm'), P('P3c_check'), P('P3c_domain'), P('P3e')];

function done(m: ReturnType<typeof modelFor>) {
  return walk(m, [P('P0'), P('P1'), P('P2'), ...ONE, P('P3a'), P('P3c_imm'), P('P3c_domain'), P('P3e'), P('P4')]);
}

test('holds once published when every counted HWPT was preserved; not checked mid-loop', () => {
  const m = modelFor('count-race');
  const mid = walk(m, [P('P0'), P('P1'), P('P2'), ...ONE]);
  expect(stateCheck(inv('blob-count-matches'), mid)).toBeNull();
  const done = walk(m, [P('P3a'), P('P3c_imm'), P('P3c_domain'), P('P3e'), P('P4')], mid);
  expect(done.blob.nr).toBe(2);
  expect(stateCheck(inv('blob-count-matches'), done)).toBeNull();
});

test('violated: nr_hwpts above the preserved count', () => {
  const m = modelFor('count-race', { hwptCount: 'two-pass' });
  const s = walk(m, [P('P0'), P('P1'), ['IOMMU_DESTROY hwpt2', 'T2'], P('P2'), ...ONE, P('P4')]);
  expect(stateCheck(inv('blob-count-matches'), s)).toMatch(/nr_hwpts = 2 but 1/);
  // a write past nr_hwpts (the HWPT count grew after P1) shows as one more preserved HWPT than the blob counts
  const full = done(modelFor('count-race'));
  const short = { ...full, blob: { ...full.blob, nr: 1, slots: full.blob.slots.slice(0, 1), overflow: true } };
  expect(stateCheck(inv('blob-count-matches'), short)).toMatch(/nr_hwpts = 1 but 2 HWPT\(s\) are preserved/);
});

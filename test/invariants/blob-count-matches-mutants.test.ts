/**
 * blob-count-matches, part by part: not read in the new kernel, only live
 * preserved HWPTs count, nr_hwpts and the written entries must both match;
 * and its witness (a DESTROY of a marked HWPT inside the preserve window).
 * Written for the mutants of invariants/blob-count-matches.ts that its own
 * tests let live.
 */
import { expect, test } from 'vitest';
import { PHASE_NEW, type State } from '../../model/iommufd/state/types.js';
import { find, inv, modelFor, stateCheck, walk } from './helpers.js';

const P = (x: string) => `iommufd_preserve ${x}`;
const ONE = [P('P3a'), P('P3c_imm'), P('P3c_check'), P('P3c_domain'), P('P3e')];
const blob = inv('blob-count-matches');

/** count-race after a whole preserve: two HWPTs preserved, nr_hwpts = 2, two entries written. */
function published(): State {
  const m = modelFor('count-race');
  const s = walk(m, [P('P0'), P('P1'), P('P2'), ...ONE, P('P3a'), P('P3c_imm'), P('P3c_domain'), P('P3e'), P('P4')]);
  expect(stateCheck(blob, s)).toBeNull();
  expect(s.blob.nr).toBe(2);
  return s;
}

test('an entry without domain_data is a violation even when nr_hwpts matches the preserved count', () => {
  const s = published();
  const unwritten = { ...s, blob: { ...s.blob, slots: s.blob.slots.map((x, i) => (i === 1 ? { ...x, domain: 0 } : x)) } };
  expect(stateCheck(blob, unwritten)).toMatch(/nr_hwpts = 2 but 2 HWPT\(s\) are preserved and 1 entr/);
});

test('only live, preserved HWPTs count: a live unpreserved one and a destroyed preserved one do not', () => {
  const s = published();
  const extra = (h: State['hwpts'][number]) => ({ ...s, hwpts: [...s.hwpts, h] });
  expect(stateCheck(blob, extra({ ...s.hwpts[0]!, preserved: false, marked: false }))).toBeNull();
  expect(stateCheck(blob, extra({ ...s.hwpts[0]!, alive: false }))).toBeNull();
});

test('not read in the new kernel, where the HWPTs are gone and the blob is what restore reads', () => {
  const s = published();
  const mismatch = { ...s, blob: { ...s.blob, nr: 3 } };
  expect(stateCheck(blob, mismatch)).toMatch(/nr_hwpts = 3/);
  expect(stateCheck(blob, { ...mismatch, phase: PHASE_NEW })).toBeNull();
});

test('witness: a DESTROY of a marked HWPT while the preserve is between P1 and P4, and nothing else', () => {
  const w = blob.witness!;
  const m = modelFor('count-race', { hwptCount: 'two-pass' });
  const inWindow = walk(m, [P('P0'), P('P1')]);
  const d = find(m, inWindow, 'IOMMU_DESTROY hwpt2', 'T2');
  expect(w.reached(inWindow, d, m.nextState(inWindow, d))).toBe(true);
  expect(w.reached(undefined, d, inWindow)).toBe(false);
  // the same destroy before the preserve started
  const s0 = m.initStates()[0]!;
  const early = find(m, s0, 'IOMMU_DESTROY hwpt2', 'T2');
  expect(w.reached(s0, early, m.nextState(s0, early))).toBe(false);
  // inside the window, but the HWPT is not marked
  const unmarked = { ...inWindow, hwpts: inWindow.hwpts.map((h, i) => (i === (d.op as { hwpt: number }).hwpt ? { ...h, marked: false } : h)) } as State;
  expect(w.reached(unmarked, d, m.nextState(inWindow, d))).toBe(false);
  // inside the window, another action
  const step = find(m, inWindow, P('P2'));
  expect(w.reached(inWindow, step, m.nextState(inWindow, step))).toBe(false);
});

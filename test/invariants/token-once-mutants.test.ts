/**
 * token-once, part by part: only live marked HWPTs count, a restored domain
 * handed out twice, a reclaimed entry no HWPT took (slot by slot); and its
 * witness (a MARK_PRESERVE or the first step of a PRESERVE_FD with a token in
 * use). Written for the mutants of invariants/token-once.ts that its own
 * tests let live.
 */
import { expect, test } from 'vitest';
import type { Action, State } from '../../model/iommufd/state/types.js';
import { inv, modelFor, stateCheck, withHwpt } from './helpers.js';

const tok = inv('token-once');
const init = (): State => modelFor('count-race').initStates()[0]!;

test('a shared token counts only between live, marked HWPTs', () => {
  const s = withHwpt(init(), 1, (h) => ({ ...h, token: init().hwpts[0]!.token }));
  expect(s.hwpts[0]!.marked && s.hwpts[1]!.marked).toBe(true);
  expect(stateCheck(tok, s)).toMatch(/two marked HWPTs share token/);
  expect(stateCheck(tok, withHwpt(s, 1, (h) => ({ ...h, alive: false })))).toBeNull();
  expect(stateCheck(tok, withHwpt(s, 1, (h) => ({ ...h, marked: false })))).toBeNull();
});

test('two HWPTs handed one restored domain (the first one too) is a violation; distinct ones are not', () => {
  const s = init();
  const two = withHwpt(withHwpt(s, 0, (h) => ({ ...h, restored: 0 })), 1, (h) => ({ ...h, restored: 0 }));
  expect(stateCheck(tok, two)).toMatch(/two HWPTs were handed the restored domain of hwpt1/);
  const apart = withHwpt(withHwpt(s, 0, (h) => ({ ...h, restored: 0 })), 1, (h) => ({ ...h, restored: 1 }));
  expect(stateCheck(tok, apart)).toBeNull();
});

test('a reclaimed entry must be wrapped by a HWPT, slot by slot', () => {
  const s = init();
  const slots = [{ token: 1, domain: 1 }, { token: 2, domain: 2 }];
  const withBlob = (x: State, reclaimed: number): State => ({ ...x, blob: { ...x.blob, slots, reclaimed } });
  // slot 1 reclaimed, its domain (hwpt2's) taken by hwpt1; slot 0 not reclaimed and not taken
  const took = withHwpt(s, 0, (h) => ({ ...h, restored: 1 }));
  expect(stateCheck(tok, withBlob(took, 0b10))).toBeNull();
  expect(stateCheck(tok, withBlob(took, 0b01))).toMatch(/hwpt_array\[0\] is marked reclaimed but no HWPT took its domain/);
  expect(stateCheck(tok, withBlob(took, 0b11))).toMatch(/hwpt_array\[0\]/);
  expect(stateCheck(tok, withBlob(s, 0b10))).toMatch(/hwpt_array\[1\] is marked reclaimed/);
  expect(stateCheck(tok, withBlob(s, 0))).toBeNull();
});

test('witness: a token already in use, at MARK_PRESERVE or at the first step of a PRESERVE_FD', () => {
  const w = tok.witness!;
  const s = init();
  const used = s.hwpts[0]!.token;
  const mark = (token: number) => ({ pid: 0, idx: 0, type: 'iommufd_hwpt_liveupdate_mark_preserve', op: { op: 'mark_preserve', hwpt: 1, token } }) as unknown as Action;
  expect(w.reached(s, mark(used), s)).toBe(true);
  expect(w.reached(s, mark(99), s)).toBe(false);
  expect(w.reached(undefined, mark(used), s)).toBe(false);
  expect(w.reached(s, undefined, s)).toBe(false);
  const inSession: State = { ...s, session: { open: true, files: [{ file: 0, token: 4 }] } };
  const pfd = (type: string, token: number, extra: object = {}) => ({ pid: 0, idx: 0, type, op: { op: 'preserve_fd', file: 0, token }, ...extra }) as unknown as Action;
  expect(w.reached(inSession, pfd('memfd_luo_preserve', 4), inSession)).toBe(true);
  expect(w.reached(inSession, pfd('iommu_preserve_device', 4), inSession)).toBe(true);
  expect(w.reached(inSession, pfd('iommufd_liveupdate_preserve', 4, { step: 'P0' }), inSession)).toBe(true);
  expect(w.reached(inSession, pfd('iommufd_liveupdate_preserve', 4, { step: 'P1' }), inSession)).toBe(false);
  expect(w.reached(inSession, pfd('memfd_luo_preserve', 5), inSession)).toBe(false);
  expect(w.reached(inSession, pfd('iommufd_destroy', 4), inSession)).toBe(false);
  const unpreserve = { pid: 0, idx: 0, type: 'memfd_luo_preserve', op: { op: 'unpreserve', file: 0, token: 4 } } as unknown as Action;
  expect(w.reached(inSession, unpreserve, inSession)).toBe(false);
});

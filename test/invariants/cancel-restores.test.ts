import { expect, test } from 'vitest';
import { find, inv, modelFor, stepCheck, walk } from './helpers.js';

const P = (x: string) => `iommufd_preserve ${x}`;
const FAIL2 = [P('P0'), P('P1'), P('P2'), P('P3a'), P('P3c_imm'), P('P3c_check'), P('P3c_domain'), P('P3e'), P('P3a'), P('P3c_imm'), P('P3c_domain!'), P('P3c_err'), 'iommufd_unpreserve'];

test('holds: a failed preserve that unwound everything; a one-step refusal', () => {
  const m = modelFor('shared-ioas');
  const s = walk(m, FAIL2);
  const a = find(m, s, 'iommufd_unpreserve');
  expect(stepCheck(inv('cancel-restores'), s, a, m.nextState(s, a))).toBeNull();
  const o = modelFor('preserve-order');
  const s0 = o.initStates()[0]!;
  const c = find(o, s0, 'PRESERVE_FD cdev(dev1)');
  expect(stepCheck(inv('cancel-restores'), s0, c, o.nextState(s0, c))).toBeNull();
});

test('violated: a leaked mark after the unwind; a one-step failure that changed state; an oops; a close that left a file', () => {
  const m = modelFor('shared-ioas');
  const s = walk(m, FAIL2);
  const a = find(m, s, 'iommufd_unpreserve');
  const n = m.nextState(s, a);
  const leak = { ...n, hwpts: n.hwpts.map((h, i) => (i === 0 ? { ...h, domain: { ...h.domain, kho: 2 } } : h)) };
  expect(stepCheck(inv('cancel-restores'), s, a, leak)).toMatch(/hwpt1's table pages still KHO-marked/);
  const o = modelFor('preserve-order');
  const s0 = o.initStates()[0]!;
  const c = find(o, s0, 'PRESERVE_FD cdev(dev1)');
  const changed = { ...o.nextState(s0, c), devices: [{ group: 0, hwpt: 0, preserved: true, busMaster: true, bound: true, atFreeze: -1, pasid: false }] };
  expect(stepCheck(inv('cancel-restores'), s0, c, changed)).toMatch(/one-step PRESERVE_FD failed but changed/);
  const k = modelFor('alloc-failure', { allocCheck: 'null' });
  const k1 = walk(k, [P('P0'), P('P1')]);
  const ka = find(k, k1, P('P2!'));
  expect(stepCheck(inv('cancel-restores'), k1, ka, k.nextState(k1, ka))).toMatch(/ERR_PTR/);
  const cl = walk(o, ['PRESERVE_FD memfd1']);
  const r = walk(o, ['close session'], cl);
  const rel = find(o, r, 'close session');
  const frozen = { ...o.nextState(r, rel), memfds: [{ ...o.nextState(r, rel).memfds[0]!, frozen: true, preserved: false }] };
  expect(stepCheck(inv('cancel-restores'), r, rel, frozen)).toMatch(/memfd1 still frozen/);
});

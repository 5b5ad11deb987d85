/** ATTACH / REPLACE / DETACH under igmutex (model/iommufd/kernel/device.ts, iommu_group.ts). */
import { describe, expect, test } from 'vitest';
import { BLOCKING_DOMAIN, CTX_NONE } from '../../model/iommufd/state/types.js';
import { modelFor, walk } from './helpers.js';

const ATTACHED = ['ATTACH dev1 -> hwpt1', 'ATTACH dev2 -> hwpt1', 'ATTACH dev3 -> hwpt1'];

describe('attach', () => {
  test('the first device attaches the group; each attach takes a reference', () => {
    const m = modelFor('group-replace');
    const s = walk(m, ATTACHED);
    expect(s.groups[0]).toEqual({ domain: 0, owned: true, hwpt: 0, byToken: false });
    expect(s.ctx[0]).toBe(0);
    expect(s.devices.map((d) => d.hwpt)).toEqual([0, 0, 0]);
    expect(s.hwpts.map((h) => h.users)).toEqual([4, 1]);
  });
  test('attaching to another HWPT than the group uses is refused', () => {
    const scope = { ...modelFor('group-replace').ctx.scope, threads: [[{ op: 'attach' as const, dev: 0, hwpt: 0 }, { op: 'attach' as const, dev: 1, hwpt: 1 }]] };
    const m = modelFor(scope);
    const s = walk(m, ['ATTACH dev1 -> hwpt1']);
    const n = walk(m, ['ATTACH dev2 -> hwpt2'], s);
    expect(n.devices).toBe(s.devices);
    expect(n.threads[0]!.done).toBe(0b11);
  });
});

describe('replace', () => {
  test('group: the whole igroup moves with its references', () => {
    const m = modelFor('group-replace');
    const s = walk(m, [...ATTACHED, 'REPLACE dev1 -> hwpt2']);
    expect(s.groups[0]).toMatchObject({ domain: 1, hwpt: 1 });
    expect(s.devices.map((d) => d.hwpt)).toEqual([1, 1, 1]);
    expect(s.hwpts.map((h) => h.users)).toEqual([1, 4]);
    const again = walk(m, ['REPLACE dev2 -> hwpt2'], s);
    expect(again.hwpts).toBe(s.hwpts);
  });
  test('per-device: the hardware moves, the other idevs lag, the last one cleans up', () => {
    const m = modelFor('group-replace', { replace: 'per-device' });
    const s = walk(m, [...ATTACHED, 'REPLACE dev1 -> hwpt2']);
    expect(s.groups[0]).toMatchObject({ domain: 1, hwpt: 1 });
    expect(s.devices.map((d) => d.hwpt)).toEqual([1, 0, 0]);
    expect(s.hwpts.map((h) => h.users)).toEqual([3, 2]);
    const done = walk(m, ['REPLACE dev2 -> hwpt2', 'REPLACE dev3 -> hwpt2'], s);
    expect(done.devices.map((d) => d.hwpt)).toEqual([1, 1, 1]);
    expect(done.hwpts.map((h) => h.users)).toEqual([1, 4]);
  });
  test('replace of a detached device is refused', () => {
    const m = modelFor('group-replace');
    const s0 = m.initStates()[0]!;
    const s = walk(m, ['REPLACE dev1 -> hwpt2'], s0);
    expect(s.groups).toBe(s0.groups);
  });
});

describe('detach', () => {
  test("the group's last device detaches the group to the blocking domain", () => {
    const scope = { ...modelFor('group-replace').ctx.scope, threads: [[{ op: 'attach' as const, dev: 0, hwpt: 0 }, { op: 'attach' as const, dev: 1, hwpt: 0 }, { op: 'detach' as const, dev: 0 }, { op: 'detach' as const, dev: 1 }, { op: 'detach' as const, dev: 2 }]] };
    const m = modelFor(scope);
    const s = walk(m, ['ATTACH dev1', 'ATTACH dev2', 'DETACH dev1']);
    expect(s.groups[0]).toMatchObject({ domain: 0, hwpt: 0 });
    const n = walk(m, ['DETACH dev2'], s);
    expect(n.groups[0]).toEqual({ domain: BLOCKING_DOMAIN, owned: true, hwpt: -1, byToken: false });
    expect(n.ctx.every((c) => c === CTX_NONE)).toBe(true);
    expect(n.hwpts[0]!.users).toBe(1);
    expect(walk(m, ['DETACH dev3'], n).devices).toBe(n.devices);
  });
});

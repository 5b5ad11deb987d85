/**
 * One device of a two-device iommu_group preserved (scope partial-group):
 * what B3 attaches, pinned under both presets and under the fix
 * groupPreserve=whole, from exploration and from a walk of the steps.
 */
import { describe, expect, test } from 'vitest';
import { CTX_DEFAULT, CTX_NONE, DEFAULT_DOMAIN, PHASE_OLD, RS_NONE } from '../../model/iommufd/state/types.js';
import { labels, modelFor, run, scopeOf, V2, walk } from './helpers.js';
import { PRESERVE, BOOT } from './helpers-kexec.js';

const FREEZE3 = ['reboot(KEXEC): freeze memfd1', 'reboot(KEXEC): freeze iommufd', 'reboot(KEXEC): freeze cdev(dev1)'];

describe('partial-group: explored', () => {
  // state counts are distinct states; trace lengths count actions
  for (const [name, set] of [['fixed', {}], ['v2', V2]] as const) {
    test(`${name}: ctx-sanitized, dev2 (never preserved) on the previous kernel's tables after B3; 17 steps, 108 states`, () => {
      const { result } = run('partial-group', set, { continueAfterViolation: true });
      expect(result.distinctStates).toBe(108);
      expect(result.violations.map((v) => [v.invariant, v.trace.length - 1])).toEqual([['ctx-sanitized', 17]]);
      expect(result.violations[0]!.message).toMatch(/dev2 has no preserved state/);
      const last = result.violations[0]!.trace.at(-1)!;
      expect(last.action!.type).toBe('iommu_probe_device');
    });
  }

  test('groupPreserve=whole: ok, 88 states; ctx-sanitized is still tested on a boot with dev3 preserved', () => {
    const { result } = run('partial-group', { groupPreserve: 'whole' });
    expect(result.result).toBe('ok');
    expect(result.distinctStates).toBe(88);
    expect(result.witnesses.find((w) => w.invariant === 'ctx-sanitized')?.reached).toBe(true);
  });
});

describe('partial-group: the steps', () => {
  const TO_CDEV1 = [...PRESERVE, 'PRESERVE_FD cdev(dev1)'];

  test('as posted, dev1 alone preserved: B2 clears dev2 and dev3, B3 puts the whole group 0 on the restored domain', () => {
    const m = modelFor('partial-group');
    const b2 = walk(m, [...TO_CDEV1, ...FREEZE3, 'kexec', 'B1 ', 'B2 ']);
    expect(b2.ctx).toEqual([0, CTX_NONE, CTX_NONE]);
    const s = walk(m, ['B3 '], b2);
    expect(s.ctx).toEqual([0, 0, CTX_DEFAULT]); // dev2 walks hwpt1's old tables again
    expect(s.groups[0]).toMatchObject({ domain: 0, owned: true, byToken: true });
    expect(s.groups[1]).toMatchObject({ domain: DEFAULT_DOMAIN, owned: false });
    expect(s.devices.map((d) => d.preserved)).toEqual([true, false, false]);
  });

  test('groupPreserve=whole: the freeze of cdev(dev1) can only fail while dev2 is not preserved; the reboot returns to the old kernel', () => {
    const m = modelFor('partial-group', { groupPreserve: 'whole' });
    const s = walk(m, [...TO_CDEV1, FREEZE3[0]!, FREEZE3[1]!]);
    expect(labels(m, s).filter((l) => l.startsWith('reboot'))).toEqual([
      'reboot reboot(KEXEC): freeze cdev(dev1): its freeze fails, LUO unfreezes the files frozen, reboot returns the error -> fails',
    ]);
    const back = walk(m, ['reboot(KEXEC): freeze cdev(dev1)!'], s);
    expect([back.phase, back.frozen]).toEqual([PHASE_OLD, 0]);
  });

  test('groupPreserve=whole does not touch a singleton group: dev3 alone preserved reboots and keeps its context entry', () => {
    const m = modelFor('partial-group', { groupPreserve: 'whole' });
    const s = walk(m, [...PRESERVE, 'PRESERVE_FD cdev(dev3)', FREEZE3[0]!, FREEZE3[1]!, 'reboot(KEXEC): freeze cdev(dev3)', 'kexec', ...BOOT]);
    expect(s.ctx).toEqual([CTX_DEFAULT, CTX_DEFAULT, 0]);
  });
});

/**
 * The other order (scope partial-group-last): dev1 and dev2 in group 1,
 * dev3 alone; T1 preserves the iommufd, dev3's cdev and dev2's, never
 * dev1's. v1 08/14 gives the group the default domain (its first device has
 * no incoming state) and skips the context setup for dev2, which has.
 */
describe('partial-group-last: explored', () => {
  // state counts are distinct states; trace lengths count actions
  for (const [name, set] of [['fixed', {}], ['v2', V2]] as const) {
    test(`${name}: owned-blocks-other-drivers, group 1 unowned while dev2 walks the previous kernel's tables after B3; 17 steps, 144 states`, () => {
      const { result } = run('partial-group-last', set, { continueAfterViolation: true });
      expect(result.distinctStates).toBe(144);
      expect(result.violations.map((v) => [v.invariant, v.trace.length - 1])).toEqual([['owned-blocks-other-drivers', 17]]);
      expect(result.violations[0]!.message).toMatch(/group 1 is not DMA-owned but dev2's context entry walks the previous kernel's hwpt1 tables/);
      expect(result.violations[0]!.trace.at(-1)!.action!.type).toBe('iommu_probe_device');
    });
  }

  for (const [name, set] of [['fixed', {}], ['v2', V2]] as const) {
    test(`${name}, groupPreserve=whole: ok, 106 states; a bind on dev3's restored group is refused (witness)`, () => {
      const { result } = run('partial-group-last', { ...set, groupPreserve: 'whole' });
      expect(result.result).toBe('ok');
      expect(result.distinctStates).toBe(106);
      expect(result.witnesses.find((w) => w.invariant === 'owned-blocks-other-drivers')?.reached).toBe(true);
      expect(result.witnesses.find((w) => w.invariant === 'ctx-sanitized')?.reached).toBe(true);
    });
  }
});

describe('partial-group-last: the steps', () => {
  const TO_CDEV2 = [...PRESERVE, 'PRESERVE_FD cdev(dev3)', 'PRESERVE_FD cdev(dev2)'];
  const FREEZE4 = [FREEZE3[0]!, FREEZE3[1]!, 'reboot(KEXEC): freeze cdev(dev3)', 'reboot(KEXEC): freeze cdev(dev2)'];

  test("as posted: B3 gives group 1 the default domain, unowned; dev2's context entry stays on hwpt1's old tables, which nobody restores", () => {
    const m = modelFor('partial-group-last');
    const b2 = walk(m, [...TO_CDEV2, ...FREEZE4, 'kexec', 'B1 ', 'B2 ']);
    expect(b2.ctx).toEqual([CTX_NONE, 0, 0]);
    const s = walk(m, ['B3 '], b2);
    expect(s.ctx).toEqual([CTX_DEFAULT, 0, 0]);
    expect(s.groups[0]).toMatchObject({ domain: DEFAULT_DOMAIN, owned: false, byToken: false });
    expect(s.groups[1]).toMatchObject({ domain: 0, owned: true, byToken: true }); // dev3 alone: restored
    expect(s.devices.map((d) => d.preserved)).toEqual([false, true, true]);
    // a kernel driver binds to dev2 itself: the group is not owned; its DMA still walks the old tables
    const bound = walk(m, ['bind a kernel driver to dev2'], s);
    expect(bound.devices[1]).toMatchObject({ busMaster: true, bound: false });
    expect(bound.ctx[1]).toBe(0);
  });

  test('only dev2 preserved: the one restored domain is never restored (its tables keep their KHO marks)', () => {
    const m = modelFor('partial-group-last');
    const s = walk(m, [...TO_CDEV2, ...FREEZE4, 'kexec', ...BOOT]);
    expect(s.hwpts[0]!.domain.restored).not.toBe(RS_NONE); // dev3's probe restored it
    const sc = scopeOf('partial-group-last');
    const dev2Only = { ...sc, threads: [sc.threads[0]!.filter((o) => !(o.op === 'preserve_fd' && o.file.kind === 'cdev' && o.file.dev === 2))] };
    const only2 = walk(modelFor(dev2Only), [...PRESERVE, 'PRESERVE_FD cdev(dev2)', FREEZE3[0]!, FREEZE3[1]!, 'reboot(KEXEC): freeze cdev(dev2)', 'kexec', ...BOOT]);
    expect(only2.ctx).toEqual([CTX_DEFAULT, 0, CTX_DEFAULT]);
    expect(only2.hwpts[0]!.domain).toMatchObject({ restored: RS_NONE, kho: 3 });
    expect(only2.groups.map((g) => g.owned)).toEqual([false, false]);
  });

  test('dma-continuity holds: dev2 keeps translating as at kexec (rewriting its entry to the default domain, as the model did before, broke it)', () => {
    const { result } = run('partial-group-last', {}, { continueAfterViolation: true });
    expect(result.violations.map((v) => v.invariant)).not.toContain('dma-continuity');
  });
});

/**
 * One device of a two-device iommu_group preserved (scope partial-group):
 * what B3 attaches, pinned under both presets and under the fix
 * groupPreserve=whole, from exploration and from a walk of the steps.
 */
import { describe, expect, test } from 'vitest';
import { CTX_DEFAULT, CTX_NONE, DEFAULT_DOMAIN, PHASE_OLD } from '../../model/iommufd/state/types.js';
import { labels, modelFor, run, V2, walk } from './helpers.js';
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

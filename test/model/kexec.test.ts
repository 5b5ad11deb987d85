/**
 * reboot(KEXEC), the jump and the new kernel's boot (kexec.ts, boot.ts),
 * each step table-driven on the ci scope: what it changes, what survives,
 * and when it is not enabled.
 */
import { describe, expect, test } from 'vitest';
import { CTX_DEFAULT, CTX_NONE, DEFAULT_DOMAIN, NO_DOMAIN, PHASE_FROZEN, PHASE_NEW, PHASE_OLD, RS_LIVE } from '../../model/iommufd/state/types.js';
import { labels, modelFor, walk } from './helpers.js';

import { BOOT, CDEVS, FREEZE, LIFECYCLE, PRESERVE, booted } from './helpers-kexec.js';

describe('reboot(KEXEC)', () => {
  test('is enabled only while every VMM thread is between ioctls, and freezes the files in PRESERVE_FD order', () => {
    const m = modelFor(LIFECYCLE);
    const mid = walk(m, PRESERVE.slice(0, 3));
    expect(labels(m, mid).some((l) => l.startsWith('reboot'))).toBe(false);
    const s = walk(m, [...PRESERVE, ...CDEVS]);
    expect(labels(m, s).filter((l) => l.startsWith('reboot'))).toEqual([
      'reboot reboot(KEXEC): freeze memfd1',
      'reboot reboot(KEXEC): freeze memfd1: its freeze fails, LUO unfreezes the files frozen, reboot returns the error -> fails',
    ]);
    const f2 = walk(m, FREEZE.slice(0, 2), s);
    expect([f2.phase, f2.frozen]).toEqual([PHASE_FROZEN, 2]);
    expect(labels(m, f2).every((l) => l.startsWith('reboot'))).toBe(true); // no userspace step after freeze
  });

  test('a failing freeze unfreezes what was frozen: back in the old kernel, nothing else changed', () => {
    const m = modelFor(LIFECYCLE);
    const s = walk(m, [...PRESERVE, ...CDEVS]);
    const f2 = walk(m, FREEZE.slice(0, 2), s);
    const back = walk(m, ['reboot(KEXEC): freeze cdev(dev1)!'], f2);
    expect(back).toEqual(s);
    expect(back.phase).toBe(PHASE_OLD);
  });

  test('the jump: objects gone, RAM and context entries kept, bus mastering only for preserved devices', () => {
    const m = modelFor(LIFECYCLE);
    const pre = walk(m, [...PRESERVE, CDEVS[0]!, ...FREEZE.slice(0, 3)]);
    const s = walk(m, ['kexec'], pre);
    expect(s.phase).toBe(PHASE_NEW);
    expect(s.ctx).toEqual(pre.ctx);
    expect(s.hwpts[0]!.alive).toBe(false);
    expect(s.hwpts[0]!.domain).toBe(pre.hwpts[0]!.domain);
    expect(s.ioas[0]!.areas).toEqual([]);
    expect(s.devices.map((d) => [d.busMaster, d.atFreeze])).toEqual([[true, 0], [false, -1]]);
    expect(s.groups.every((g) => g.domain === NO_DOMAIN && !g.owned)).toBe(true);
    expect(s.session).toBe(pre.session);
    expect(s.blob).toBe(pre.blob);
    expect(s.nk.flb).toBe(true);
    expect(labels(m, s)).toEqual(['boot B1 kho_populate: KHO-marked pages reserved, the rest is free RAM']);
  });
});

describe('boot', () => {
  test('B2 clears the context entry and PASID entry of the device without preserved state (sanitize=full)', () => {
    for (const [sanitize, ctx1, pasid] of [['full', CTX_NONE, false], ['ctx-only', CTX_NONE, true], ['none', 0, true]] as const) {
      const m = modelFor('sanitize', { sanitize });
      const s = walk(m, [...PRESERVE, 'PRESERVE_FD cdev(dev1)', ...FREEZE.slice(0, 3), 'kexec', 'B1 ', 'B2 ']);
      expect([s.ctx[0], s.ctx[1], s.devices[1]!.pasid], sanitize).toEqual([0, ctx1, pasid]);
      expect(s.devices[0]!.pasid).toBe(true);
    }
  });

  test('B3 restores the preserved domain once for both devices and attaches it with the token as owner; default domain otherwise', () => {
    const { s } = booted();
    expect(s.hwpts[0]!.domain.restored).toBe(RS_LIVE);
    expect(s.hwpts[0]!.domain.kho).toBe(0); // kho_restore_folio consumed the marks
    expect(s.groups.map((g) => [g.domain, g.owned, g.byToken])).toEqual([[0, true, true], [0, true, true]]);
    expect(s.ctx).toEqual([0, 0]);
    const one = booted({}, [CDEVS[0]!]).s;
    expect(one.groups[1]).toMatchObject({ domain: DEFAULT_DOMAIN, owned: false });
    expect(one.ctx).toEqual([0, CTX_DEFAULT]);
  });

  test('nothing preserved: the new kernel boots with default domains and no incoming state', () => {
    const m = modelFor(LIFECYCLE);
    const s = walk(m, ['reboot(KEXEC): freeze memfd1', 'kexec', ...BOOT]);
    expect(s.groups.every((g) => g.domain === DEFAULT_DOMAIN)).toBe(true);
    expect(s.devices.every((d) => !d.busMaster)).toBe(true);
    expect(s.nk.flb).toBe(false);
  });
});

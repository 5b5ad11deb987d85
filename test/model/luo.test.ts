/** LUO session checks, memfd seals and memfd_luo, cdev preserve, session close (luo.ts, memfd.ts, iommu_group.ts). */
import { describe, expect, test } from 'vitest';
import { FILE_CDEV, FILE_IOMMUFD } from '../../model/iommufd/state/types.js';
import { luoAdmit } from '../../model/iommufd/kernel/luo.js';
import { modelFor, walk } from './helpers.js';

const P = (step: string) => `iommufd_preserve ${step}`;
const ALL = ['MARK_PRESERVE hwpt1 token 1', 'PRESERVE_FD memfd1', P('P0: PRESERVE_FD iommufd token 2'), P('P1'), P('P2'), P('P3a'), P('P3c_imm'), P('P3c_check'), P('P3c_domain'), P('P3e'), P('P4'), 'PRESERVE_FD cdev(dev1)'];

describe('PRESERVE_FD', () => {
  const m = modelFor('preserve-order');
  test('luo_preserve_file refuses a used token (-EEXIST) and a file already preserved (-EBUSY)', () => {
    const s = walk(m, ['PRESERVE_FD memfd1']);
    expect(luoAdmit(s, FILE_IOMMUFD, 1)).toBe(17);
    expect(luoAdmit(s, 0, 5)).toBe(16);
    expect(luoAdmit(s, FILE_IOMMUFD, 2)).toBe(0);
    const n = walk(m, [P('P0: PRESERVE_FD iommufd token 1')], s);
    expect(n.threads[0]!.pc).toBe('idle');
    expect(n.session).toBe(s.session);
  });

  test('memfd_luo_preserve freezes the mapping and marks the folios', () => {
    const s = walk(m, ['PRESERVE_FD memfd1']);
    expect(s.memfds[0]).toMatchObject({ frozen: true, preserved: true });
    expect(s.session.files).toEqual([{ file: 0, token: 1 }]);
  });

  test('a cdev before its domain is preserved gets -EINVAL with nothing changed; after, it is preserved', () => {
    const s0 = m.initStates()[0]!;
    const early = walk(m, ['PRESERVE_FD cdev(dev1)'], s0);
    expect(early.devices).toBe(s0.devices);
    expect(early.session).toBe(s0.session);
    const s = walk(m, ALL);
    expect(s.devices[0]!.preserved).toBe(true);
    expect(s.session.files.map((f) => f.file)).toEqual([0, FILE_IOMMUFD, FILE_CDEV]);
  });
});

describe('close session (cancel)', () => {
  test('unpreserves in reverse order: cdev, iommufd (per HWPT), memfd; then the session is gone', () => {
    const m = modelFor('preserve-order');
    const s = walk(m, ALL);
    const c1 = walk(m, ['close session'], s);
    expect(c1.devices[0]!.preserved).toBe(false);
    expect(c1.threads[0]!.pc).toBe('CLOSE');
    const c2 = walk(m, ['close session', 'iommufd_unpreserve', 'iommufd_unpreserve'], c1);
    expect(c2.hwpts[0]).toMatchObject({ preserved: false, users: 2, marked: true });
    expect(c2.ioas[0]!.immutable).toBe(0);
    expect(c2.session.files.map((f) => f.file)).toEqual([0]);
    const c3 = walk(m, ['close session', 'close session'], c2);
    expect(c3.memfds[0]).toMatchObject({ frozen: false, preserved: false });
    expect(c3.session).toEqual({ open: false, files: [] });
    expect(c3.threads[0]!.pc).toBe('idle');
  });
});

describe('F_ADD_SEALS', () => {
  test('adds seals; once SEAL is set, further adds fail with -EPERM', () => {
    const scope = { ...modelFor('cached-seals').ctx.scope, threads: [[{ op: 'add_seals' as const, memfd: 0, seals: 0x2 }, { op: 'add_seals' as const, memfd: 0, seals: 0x1 }, { op: 'add_seals' as const, memfd: 0, seals: 0x4 }]] };
    const m = modelFor(scope);
    const s = walk(m, ['F_ADD_SEALS memfd1 SHRINK', 'F_ADD_SEALS memfd1 SEAL']);
    expect(s.memfds[0]!.seals).toBe(0x3);
    expect(walk(m, ['F_ADD_SEALS memfd1 GROW'], s).memfds).toBe(s.memfds);
  });
});

/**
 * The new kernel's VMM (luo_incoming.ts, rebuild.ts, finish.ts): retrieve,
 * the rebuild and hot-swap with and without the radix-tree compare, the
 * rehydrate design's LU_RESTORE, FINISH and the close of the incoming
 * session, on the ci scope after both devices were preserved and booted.
 */
import { describe, expect, test } from 'vitest';
import { BLOCKING_DOMAIN, FILE_IOMMUFD, RS_FREED, RS_LIVE } from '../../model/iommufd/state/types.js';
import { isRetrieved } from '../../model/iommufd/kernel/luo_incoming.js';
import { booted } from './helpers-kexec.js';
import { labels, walk } from './helpers.js';

const RETRIEVE = ['RETRIEVE_SESSION', 'RETRIEVE_FD memfd1', 'RETRIEVE_FD iommufd', 'RETRIEVE_FD cdev(dev1)', 'RETRIEVE_FD cdev(dev2)'];
// memfd_luo hands the memfd back unsealed; the VMM seals it again before it maps it (seals=both requires it).
const MAPS = ['F_ADD_SEALS memfd1', 'IOAS_MAP_FILE M1 iopt_alloc_file_pages (seals snapshot): ioas1 iova 0', 'IOAS_MAP_FILE M2', 'IOAS_MAP_FILE M3', 'IOAS_MAP_FILE M4',
  'IOAS_MAP_FILE M1 iopt_alloc_file_pages (seals snapshot): ioas1 iova 1', 'IOAS_MAP_FILE M2', 'IOAS_MAP_FILE M3', 'IOAS_MAP_FILE M4'];

describe('retrieve', () => {
  test('only RETRIEVE_SESSION (and kernel driver binds) before the session is retrieved; once only', () => {
    const { m, s } = booted();
    expect(labels(m, s)).toEqual(['T1 RETRIEVE_SESSION', 'T1 bind a kernel driver to dev1 (iommu_device_use_default_domain)', 'T1 bind a kernel driver to dev2 (iommu_device_use_default_domain)']);
    const r = walk(m, ['RETRIEVE_SESSION'], s);
    expect(r.nk.retrieved).toBe(true);
    expect(labels(m, r)).not.toContain('T1 RETRIEVE_SESSION');
  });

  test('the memfd comes back unsealed; the cdev binds and takes the ownership from the token; the iommufd walks its blob', () => {
    const { m, s } = booted();
    const r = walk(m, RETRIEVE, s);
    expect(r.memfds[0]).toMatchObject({ seals: 0, retrieved: true, preserved: true });
    expect(r.devices.map((d) => d.bound)).toEqual([true, true]);
    expect(r.groups.map((g) => [g.owned, g.byToken])).toEqual([[true, false], [true, false]]);
    expect(isRetrieved(r, FILE_IOMMUFD)).toBe(true);
    expect(r.nk.bug).toBe(0);
  });
});

test('retrieve=eopnotsupp (v2 as posted): RETRIEVE_FD of the iommufd fails, reads no blob entry, and LU_RESTORE is never offered', () => {
  const { m, s } = booted({ retrieve: 'eopnotsupp', restore: 'rehydrate' });
  const r = walk(m, RETRIEVE, s);
  expect(isRetrieved(r, FILE_IOMMUFD)).toBe(false);
  expect(r.devices.map((d) => d.bound)).toEqual([true, true]);
  expect(r.nk.bug).toBe(0);
  expect(labels(m, r).some((l) => l.includes('LU_RESTORE'))).toBe(false);
  const walked = booted({ restore: 'rehydrate' });
  expect(isRetrieved(walk(walked.m, RETRIEVE, walked.s), FILE_IOMMUFD)).toBe(true);
});

describe('rebuild and hot-swap (restore=rebuild)', () => {
  test('HWPT_ALLOC builds D\' from the new IOAS; an equal tree is adopted and the restored domain freed with the last group', () => {
    const { m, s } = booted();
    const r = walk(m, [...RETRIEVE, ...MAPS, 'HWPT_ALLOC hwpt2'], s);
    expect(r.hwpts[1]!.domain.leaves).toEqual(r.hwpts[0]!.domain.leaves);
    const one = walk(m, ['REPLACE dev1 -> hwpt2'], r);
    expect(one.ctx).toEqual([1, 0]);
    expect(one.hwpts[0]!.domain.restored).toBe(RS_LIVE); // dev2's group still walks it
    const two = walk(m, ['REPLACE dev2 -> hwpt2'], one);
    expect(two.hwpts[0]!.domain.restored).toBe(RS_FREED);
    expect(two.hwpts[1]!.users).toBe(3);
    expect(two.groups.map((g) => g.domain)).toEqual([1, 1]);
  });

  test('verify=compare refuses a D\' that differs (the map of iova 1 is missing) and nothing changes; trust adopts it', () => {
    const { m, s } = booted();
    const r = walk(m, [...RETRIEVE, ...MAPS.slice(0, 5), 'HWPT_ALLOC hwpt2'], s);
    const refused = walk(m, ['REPLACE dev1 -> hwpt2'], r);
    expect({ ...refused, threads: r.threads }).toEqual(r);
    const t = booted({ verify: 'trust' });
    const adopted = walk(t.m, [...RETRIEVE, ...MAPS.slice(0, 5), 'HWPT_ALLOC hwpt2', 'REPLACE dev1 -> hwpt2'], t.s);
    expect(adopted.ctx[0]).toBe(1);
  });
});

describe('rehydrate', () => {
  test('IOMMU_HWPT_LU_RESTORE hands the restored domain back once; the devices move onto it without a context change', () => {
    const { m, s } = booted({ restore: 'rehydrate' });
    const r = walk(m, [...RETRIEVE, 'IOMMU_HWPT_LU_RESTORE token 1 -> hwpt3'], s);
    expect(r.blob.reclaimed).toBe(1);
    expect(r.hwpts[2]).toMatchObject({ alive: true, restored: 0, users: 1 });
    const on = walk(m, ['REPLACE dev1 -> hwpt3', 'REPLACE dev2 -> hwpt3'], r);
    expect(on.ctx).toEqual([0, 0]);
    expect(on.groups.map((g) => g.domain)).toEqual([2, 2]);
    expect(on.hwpts[0]!.domain.restored).toBe(RS_LIVE); // the HWPT owns it now
    expect(labels(m, on).some((l) => l.includes('LU_RESTORE'))).toBe(false);
  });

  test('luRestore=memfds refuses LU_RESTORE while a memfd the domain maps is not retrieved; unchecked (the RFC code) hands it back', () => {
    const noMemfd = RETRIEVE.filter((l) => l !== 'RETRIEVE_FD memfd1');
    const checked = booted({ restore: 'rehydrate', luRestore: 'memfds' });
    const r = walk(checked.m, [...noMemfd, 'IOMMU_HWPT_LU_RESTORE token 1 -> hwpt3'], checked.s);
    expect(r.hwpts[2]!.alive).toBe(false);
    expect(r.blob.reclaimed).toBe(0);
    const rfc = booted({ restore: 'rehydrate', luRestore: 'unchecked' });
    const u = walk(rfc.m, [...noMemfd, 'IOMMU_HWPT_LU_RESTORE token 1 -> hwpt3'], rfc.s);
    expect(u.hwpts[2]).toMatchObject({ alive: true, restored: 0 });
    expect(u.memfds[0]!.retrieved).toBe(false);
  });

  test('under rebuild the rehydrate ops are never enabled', () => {
    const { m, s } = booted();
    const r = walk(m, RETRIEVE, s);
    expect(labels(m, r).some((l) => l.includes('LU_RESTORE') || l.includes('hwpt3'))).toBe(false);
  });
});

describe('FINISH', () => {
  test('after the hot-swap: FLB and blob returned, session closed', () => {
    const { m, s } = booted();
    const f = walk(m, [...RETRIEVE, ...MAPS, 'HWPT_ALLOC hwpt2', 'REPLACE dev1 -> hwpt2', 'REPLACE dev2 -> hwpt2', 'SESSION_FINISH'], s);
    expect(f.nk).toMatchObject({ finished: true, flb: false });
    expect(f.blob.allocated).toBe(false);
    expect(f.session.open).toBe(false);
  });

  test('finish=flr: an unclaimed device is FLR\'d, blocked and released; a claimed one is blocked; the restored domain freed', () => {
    const { m, s } = booted();
    const f = walk(m, ['RETRIEVE_SESSION', 'RETRIEVE_FD memfd1', 'RETRIEVE_FD cdev(dev1)', 'SESSION_FINISH'], s);
    expect(f.devices.map((d) => [d.bound, d.busMaster])).toEqual([[true, true], [false, false]]);
    expect(f.groups.map((g) => [g.domain, g.owned])).toEqual([[BLOCKING_DOMAIN, true], [BLOCKING_DOMAIN, false]]);
    expect(f.hwpts[0]!.domain.restored).toBe(RS_FREED);
  });

  test('v2 (finish=refuse): FINISH fails and changes nothing, and stays in the menu', () => {
    const { m, s } = booted({ finish: 'refuse' });
    const r = walk(m, ['RETRIEVE_SESSION'], s);
    const f = walk(m, ['SESSION_FINISH'], r);
    expect(f).toEqual(r);
    expect(labels(m, f)).toContain('T1 SESSION_FINISH');
  });

  test('closing the incoming session runs the finish callbacks without can_finish', () => {
    const { m, s } = booted({ finish: 'refuse' });
    const c = walk(m, ['RETRIEVE_SESSION', 'close the incoming session fd'], s);
    expect(c.nk).toMatchObject({ cancelled: true, finished: false, flb: false });
    expect(c.memfds[0]!.preserved).toBe(false); // never retrieved: freed
  });
});

/** The iommufd preserve callback P0-P4, its unwind, and MARK_PRESERVE (model/iommufd/kernel/liveupdate.ts). */
import { describe, expect, test } from 'vitest';
import { FILE_IOMMUFD } from '../../model/iommufd/state/types.js';
import type { IommufdScope } from '../../model/iommufd/scopes/scopes.js';
import { labels, modelFor, scopeOf, walk } from './helpers.js';

const P = (step: string) => `iommufd_preserve ${step}`;
const HAPPY_ONE = ['P0', 'P1', 'P2', 'P3a', 'P3c_imm', 'P3c_check', 'P3c_domain', 'P3e'].map(P);

describe('preserve, hwptCount=two-pass and =stable', () => {
  test('two-pass: P1 counts, P3a locks each HWPT in turn, P4 appends the iommufd to the session', () => {
    const m = modelFor('count-race', { hwptCount: 'two-pass' });
    const s = walk(m, [...HAPPY_ONE, P('P3a'), P('P3c_imm'), P('P3c_domain'), P('P3e'), P('P4')]);
    expect(s.blob).toEqual({ allocated: true, nr: 2, slots: [{ token: 1, domain: 1 }, { token: 2, domain: 2 }], overflow: false, reclaimed: 0 });
    expect(s.hwpts.map((h) => [h.preserved, h.users, h.domain.preservedState])).toEqual([[true, 2, true], [true, 2, true]]);
    expect(s.ioas[0]!.immutable).toBe(2);
    expect(s.session.files).toEqual([{ file: FILE_IOMMUFD, token: 1 }]);
    expect(s.threads[0]).toMatchObject({ pc: 'idle', done: 1 });
  });

  test('stable: P1 locks every marked HWPT, so a racing DESTROY gets -EBUSY', () => {
    const m = modelFor('count-race');
    const s = walk(m, [P('P0'), P('P1')]);
    expect(s.threads[0]).toMatchObject({ nr: 2, held: 0b11 });
    expect(s.hwpts.map((h) => h.users)).toEqual([2, 2]);
    const d = walk(m, [['IOMMU_DESTROY hwpt2', 'T2']], s);
    expect(d.hwpts).toBe(s.hwpts);
  });

  test('two-pass: a DESTROY after P1 succeeds and P3 skips the HWPT', () => {
    const m = modelFor('count-race', { hwptCount: 'two-pass' });
    const s = walk(m, [P('P0'), P('P1'), ['IOMMU_DESTROY hwpt2', 'T2'], ...HAPPY_ONE.slice(2), P('P4')]);
    expect(s.hwpts[1]!.alive).toBe(false);
    expect(s.blob.nr).toBe(2);
    expect(s.threads[0]!.pc).toBe('idle');
  });

  test('immutability=refcount: each HWPT on the IOAS takes a share; only the first runs the page check', () => {
    const m = modelFor('shared-ioas');
    const s = walk(m, [...HAPPY_ONE, P('P3a'), P('P3c_imm')]);
    expect(s.ioas[0]!.immutable).toBe(2);
    expect(s.threads[0]!.pc).toBe('P3c_domain');
  });

  test('immutability=flag: the second HWPT sees the flag set, made = false, check skipped', () => {
    const m = modelFor('shared-ioas', { immutability: 'flag' });
    const s = walk(m, [...HAPPY_ONE, P('P3a'), P('P3c_imm')]);
    expect(s.ioas[0]!.immutable).toBe(1);
    expect(s.threads[0]).toMatchObject({ pc: 'P3c_domain', made: false });
  });
});

describe('failures and the unwind', () => {
  test('iommu_domain_preserve fails: token written, err path drops the share and the reference, unwind empties everything', () => {
    const m = modelFor('shared-ioas');
    const s = walk(m, [...HAPPY_ONE, P('P3a'), P('P3c_imm'), P('P3c_domain!')]);
    expect(s.blob.slots[1]).toEqual({ token: 2, domain: 0 });
    const e = walk(m, [P('P3c_err')], s);
    expect(e.ioas[0]!.immutable).toBe(1);
    expect(e.hwpts[1]!.users).toBe(2);
    const u = walk(m, ['iommufd_unpreserve', 'iommufd_unpreserve'], e);
    expect(u.ioas[0]!.immutable).toBe(0);
    expect(u.hwpts.map((h) => [h.preserved, h.users, h.domain.kho])).toEqual([[false, 2, 0], [false, 2, 0]]);
    expect(u.blob.allocated).toBe(false);
    expect(u.threads[0]).toMatchObject({ pc: 'idle', done: 1 });
    expect(u.session.files).toHaveLength(1);
  });

  test('kho_alloc_preserve fails: err-ptr returns -ENOMEM and puts the P1 references; null oopses holding lu_mutex', () => {
    const ok = walk(modelFor('alloc-failure'), [P('P0'), P('P1'), P('P2!')]);
    expect(ok.hwpts[0]!.users).toBe(1);
    expect(ok.threads[0]!.pc).toBe('idle');
    const m = modelFor('alloc-failure', { allocCheck: 'null' });
    const oops = walk(m, [P('P0'), P('P1'), P('P2!')]);
    expect(oops.oops).toBe(1);
    expect(oops.threads[0]!.pc).toBe('OOPS');
    expect(m.actions(oops)).toEqual([]);
  });

  test('iommufd_lock_obj fails: in P3a (two-pass) it unwinds with -ENOENT; in P1 (stable) nothing is locked', () => {
    const scope: IommufdScope = { ...scopeOf('count-race'), threads: [[scopeOf('count-race').threads[0]![0]!]], failures: { domainPreserve: false, khoAlloc: false, lockObj: true, freeze: false } };
    const two = modelFor(scope, { hwptCount: 'two-pass' });
    const s = walk(two, [P('P0'), P('P1'), P('P2'), P('P3a!')]);
    expect(s.threads[0]).toMatchObject({ pc: 'UNPRESERVE', rc: 2 });
    expect(walk(two, ['iommufd_unpreserve'], s).threads[0]!.pc).toBe('idle');
    const st = walk(modelFor(scope), [P('P0'), P('P1!')]);
    expect(st.hwpts.map((h) => h.users)).toEqual([1, 1]);
    expect(st.threads[0]!.pc).toBe('idle');
  });

  test('the page check fails when the memfd is not in the session (iommufd before memfd)', () => {
    const m = modelFor('preserve-order');
    const s = walk(m, ['MARK_PRESERVE hwpt1 token 1', P('P0: PRESERVE_FD iommufd token 2'), P('P1'), P('P2'), P('P3a'), P('P3c_imm'), P('P3c_check')]);
    expect(s.threads[0]).toMatchObject({ pc: 'P3c_err', rc: 22 });
  });
});

describe('MARK_PRESERVE', () => {
  test('sets mark and token; a token in use gives -EADDRINUSE; it waits while lu_mutex is held', () => {
    const m = modelFor('preserve-order');
    const s = walk(m, ['MARK_PRESERVE hwpt1 token 1']);
    expect(s.hwpts[0]).toMatchObject({ marked: true, token: 1 });
    const n = walk(m, ['MARK_PRESERVE hwpt2 token 1'], s);
    expect(n.hwpts).toBe(s.hwpts);
    const busy = walk(m, ['MARK_PRESERVE hwpt1 token 1', 'PRESERVE_FD memfd1', P('P0: PRESERVE_FD iommufd token 2')]);
    expect(labels(m, busy).some((l) => l.includes('MARK_PRESERVE'))).toBe(false);
  });
});

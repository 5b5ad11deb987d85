/**
 * How the iommufd model's states and steps read in reports
 * (model/iommufd/render/view.ts, names.ts), in-process: the JSON view of
 * every state of the known-bug cases' counterexamples (from their own
 * searches, counterexamples.ts) and of every reachable state of a few small
 * scopes, checked field by field against the state it shows; the labels and
 * process names of every step; the report `luocheck check` builds from them.
 */
import { describe, expect, it } from 'vitest';
import { label, processName, sealsText, stateJson } from '../../model/iommufd/render/view.js';
import { fileRefText, fileText } from '../../model/iommufd/render/names.js';
import { CORE } from '../../model/iommufd/entry/registry.js';
import type { Action, State } from '../../model/iommufd/state/types.js';
import { reachable, REHYDRATE, reportOf, search, SMALL_VIOLATING, traceOf } from './counterexamples.js';

/** A JSON view, read field by field. */
type Json = Record<string, any>;

const hwN = (i: number) => `hwpt${i + 1}`;
/** The seal bits by the names fcntl gives them, in the order the view prints them. */
const SEALS: readonly [number, string][] = [[0x1, 'SEAL'], [0x2, 'SHRINK'], [0x4, 'GROW'], [0x8, 'WRITE']];
const seals = (mask: number) => SEALS.filter(([b]) => mask & b).map(([, n]) => n).join('|') || 'none';
/** memfd m's folio f is pfn m * 8 + f (8 folios per memfd). */
const pfn = (m: number, f: number) => m * 8 + f;

/** Checks the JSON view of `s` field by field. */
function checkView(s: State, j: Json): void {
  expect(j['phase']).toBe(['old-kernel', 'reboot-freezing', 'new-kernel'][s.phase]);
  if (s.phase === 1) expect(j['frozenFiles']).toBe(s.frozen);
  else expect(j).not.toHaveProperty('frozenFiles');
  if (s.phase === 2) {
    expect(j['boot']).toEqual({ stage: s.boot, probed: s.devices.map((_, i) => (s.probed >> i) & 1) });
    expect(j['incoming']).toBe(s.nk);
  } else {
    expect(j).not.toHaveProperty('boot');
    expect(j).not.toHaveProperty('incoming');
  }
  if (s.oops) expect(j['oops']).toBe(`T${s.oops}`);
  else expect(j).not.toHaveProperty('oops');

  expect(Object.keys(j['memfds'])).toEqual(s.memfds.map((_, i) => `memfd${i + 1}`));
  s.memfds.forEach((m, i) => {
    const v = j['memfds'][`memfd${i + 1}`];
    expect(v.seals).toBe(seals(m.seals));
    expect(v.size).toBe(m.size);
    expect(v.pageCache).toEqual(Array.from({ length: m.size }, (_, k) => (m.cache[k]! < 0 ? null : pfn(i, m.cache[k]!))));
    expect(v.khoPreserved).toEqual(Array.from({ length: 8 }, (_, f) => f).filter((f) => m.kho & (1 << f)).map((f) => pfn(i, f)));
    expect([v.frozen, v.preserved, v.retrieved]).toEqual([m.frozen, m.preserved, m.retrieved]);
  });

  expect(Object.keys(j['ioas'])).toEqual(s.ioas.map((_, i) => `ioas${i + 1}`));
  s.ioas.forEach((x, i) => {
    const v = j['ioas'][`ioas${i + 1}`];
    expect(v.immutable).toBe(x.immutable);
    expect(v.areas).toEqual(x.areas.map((a) => ({ iova: a.iova, memfd: `memfd${a.memfd + 1}`, page: a.page, seals: seals(a.seals), pages: a.pages, pinned: a.pfn < 0 ? null : a.pfn })));
  });

  expect(Object.keys(j['hwpts'])).toEqual(s.hwpts.map((_, i) => hwN(i)));
  s.hwpts.forEach((h, i) => {
    const v = j['hwpts'][hwN(i)];
    expect([v.alive, v.ioas, v.marked, v.token, v.preserved, v.users]).toEqual([h.alive, h.ioas < 0 ? null : `ioas${h.ioas + 1}`, h.marked, h.token, h.preserved, h.users]);
    if (h.restored >= 0) expect(v.wraps).toBe(`restored(${hwN(h.restored)})`);
    else expect(v).not.toHaveProperty('wraps');
    expect(v.domain).toEqual({ leaves: h.domain.leaves, tables: h.domain.tables, kho: h.domain.kho, preservedState: h.domain.preservedState, restored: ['no', 'live', 'freed'][h.domain.restored] });
  });

  expect(Object.keys(j['devices'])).toEqual(s.devices.map((_, i) => `dev${i + 1}`));
  s.devices.forEach((d, i) => {
    const v = j['devices'][`dev${i + 1}`];
    const ctx = s.ctx[i]!;
    expect([v.group, v.hwpt, v.preserved, v.busMaster, v.bound, v.pasid]).toEqual([d.group + 1, d.hwpt < 0 ? null : hwN(d.hwpt), d.preserved, d.busMaster, d.bound, d.pasid]);
    expect(v.contextEntry).toBe(ctx === -1 ? null : ctx === -2 ? 'default' : `${hwN(ctx)} tables`);
    if (d.atFreeze >= 0) expect(v.atKexec).toBe(`${hwN(d.atFreeze)} tables`);
    else expect(v).not.toHaveProperty('atKexec');
  });

  expect(j['groups']).toHaveLength(s.groups.length);
  s.groups.forEach((g, i) => {
    const v = j['groups'][i];
    const dom = g.domain === -3 ? null : g.domain === -1 ? 'default' : g.domain === -2 ? 'blocking' : s.phase === 2 && !s.hwpts[g.domain]!.alive ? `restored(${hwN(g.domain)})` : hwN(g.domain);
    expect(v).toEqual({ domain: dom, owned: g.owned, ...(g.byToken ? { owner: 'token' } : {}), igroupHwpt: g.hwpt < 0 ? null : hwN(g.hwpt) });
  });

  expect(j['session'].open).toBe(s.session.open);
  expect(j['session'].files.map((f: Json) => f['token'])).toEqual(s.session.files.map((f) => f.token));
  expect(j['session'].files.map((f: Json) => f['file'])).toEqual(s.session.files.map((f) => fileText(f.file)));

  if (!s.blob.allocated) expect(j['blob']).toBeNull();
  else {
    expect(j['blob'].nr_hwpts).toBe(s.blob.nr);
    expect(j['blob'].overflow).toBe(s.blob.overflow);
    expect(j['blob'].hwpt_array).toEqual(s.blob.slots.map((x, i) => ({ token: x.token, domain: x.domain ? hwN(x.domain - 1) : 0, ...(s.blob.reclaimed & (1 << i) ? { reclaimed: true } : {}) })));
  }

  expect(Object.keys(j['threads'])).toEqual(s.threads.map((_, i) => `T${i + 1}`));
  s.threads.forEach((t, i) => {
    expect(j['threads'][`T${i + 1}`]).toEqual({ pc: t.pc, op: t.op, done: t.done, nr: t.nr, slot: t.slot, cur: t.cur < 0 ? null : hwN(t.cur), made: t.made, held: t.held, rc: t.rc });
  });
  expect(Object.keys(j)).toEqual(['phase', ...(s.phase === 1 ? ['frozenFiles'] : []), ...(s.phase === 2 ? ['boot', 'incoming'] : []), ...(s.oops ? ['oops'] : []), 'memfds', 'ioas', 'hwpts', 'devices', 'groups', 'session', 'blob', 'threads']);
}

describe('the JSON view of a state (stateJson)', () => {
  for (const c of SMALL_VIOLATING) {
    it(`${c.id}: every state of the counterexample, as the report prints it`, () => {
      const tr = traceOf(c.id);
      const r = reportOf(c.id).violations[0]!;
      expect(r.trace).toHaveLength(tr.length);
      tr.forEach((t, i) => {
        checkView(t.state, r.trace[i]!.state as Json);
        expect(r.trace[i]!.state).toEqual(stateJson(t.state));
      });
    });
  }

  // scopes whose states go through a retrieve (reclaimed blob entries), an oops, a freeze and the restore
  for (const [scope, set] of [['count-race', {}], ['finish-unclaimed', {}], ['map-in-flight', { pagesNull: 'oops' }], ['partial-group', {}]] as const) {
    it(`every reachable state of ${scope}${Object.keys(set).length ? ` (${JSON.stringify(set)})` : ''}`, () => {
      const { states } = reachable(scope, set);
      for (const s of states) checkView(s, stateJson(s) as Json);
    });
  }

  it('every reachable state of finish-unclaimed with the rehydrate restore (IOMMU_HWPT_LU_RESTORE reclaims a blob entry)', () => {
    const { states } = reachable(REHYDRATE, { restore: 'rehydrate' });
    for (const s of states) checkView(s, stateJson(s) as Json);
  });

  it('the views above show every kind of value at least once (reclaimed entries, restored domains, an oops, each phase)', () => {
    const all = [
      ...SMALL_VIOLATING.flatMap((c) => traceOf(c.id).map((t) => t.state)),
      ...reachable('count-race').states,
      ...reachable('finish-unclaimed').states,
      ...reachable('map-in-flight', { pagesNull: 'oops' }).states,
      ...reachable('partial-group').states,
      ...reachable(REHYDRATE, { restore: 'rehydrate' }).states,
    ];
    const text = all.map((s) => JSON.stringify(stateJson(s))).join('\n');
    for (const want of ['"reclaimed":true', '"oops":"T', '"phase":"reboot-freezing"', '"phase":"new-kernel"', '"wraps":"restored(hwpt1)"', '"domain":"restored(hwpt1)"', '"domain":"default"', '"domain":"blocking"', '"domain":null', '"contextEntry":"default"', '"contextEntry":null', '"atKexec":"hwpt1 tables"', '"owner":"token"', '"restored":"live"', '"restored":"freed"', '"cur":"hwpt1"', '"igroupHwpt":"hwpt1"', '"pinned":null', '"seals":"SEAL|SHRINK|GROW"', '"seals":"none"', '"khoPreserved":[0]']) {
      expect(text, want).toContain(want);
    }
  });
});

describe('labels and process names', () => {
  it('label() is the entry point\'s label for every step of every counterexample, and process names are T<n>, reboot or boot', () => {
    for (const c of SMALL_VIOLATING) {
      const { model } = search(c.id);
      const r = reportOf(c.id).violations[0]!;
      traceOf(c.id).forEach((t, i) => {
        if (t.action === undefined) return expect(r.trace[i]!.action).toBe('init');
        const a = t.action;
        expect(label(a)).toBe(model.label(a));
        expect(r.trace[i]!.action).toBe(label(a));
        expect(processName(a)).toBe(model.process(a));
        expect(r.trace[i]!.process).toBe(processName(a));
        if (a.pid >= 0) expect(processName(a)).toBe(`T${a.pid + 1}`);
        else expect(processName(a)).toBe(CORE.entry(a.type)!.system!.process);
      });
    }
  });

  it('reboot and boot steps run in the reboot and boot processes', () => {
    const tr = traceOf('5.8-adopt-unverified');
    const procs = new Map(tr.slice(1).map((t) => [t.action!.type, processName(t.action!)]));
    expect(procs.get('liveupdate_reboot')).toBe('reboot');
    expect(procs.get('kernel_kexec')).toBe('reboot');
    expect(procs.get('kho_populate')).toBe('boot');
    expect(procs.get('iommu_probe_device')).toBe('boot');
    expect(procs.get('luo_session_retrieve')).toBe('T1');
  });

  it('an action type no entry point has: label() says so, the process of a system step falls back to boot', () => {
    const odd = { type: 'iommufd_something_new', pid: -1, idx: -1 } as unknown as Action;
    expect(() => label(odd)).toThrow('no entry point has action type "iommufd_something_new"');
    expect(processName(odd)).toBe('boot');
    // a VMM entry point has no system process: a step of it outside a thread is the boot's
    expect(processName({ type: 'iommufd_destroy', pid: -1, idx: -1 } as unknown as Action)).toBe('boot');
    expect(processName({ type: 'iommufd_something_new', pid: 2, idx: 0 } as unknown as Action)).toBe('T3');
  });

  it('seals, files and file references by name', () => {
    expect(sealsText(0)).toBe('none');
    expect(sealsText(0xf)).toBe('SEAL|SHRINK|GROW|WRITE');
    expect(sealsText(0x6)).toBe('SHRINK|GROW');
    expect(fileText(100)).toBe('iommufd');
    expect(fileText(200)).toBe('cdev(dev1)');
    expect(fileText(201)).toBe('cdev(dev2)');
    expect(fileText(1)).toBe('memfd2');
    expect(fileRefText({ kind: 'memfd', memfd: 0 })).toBe('memfd1');
    expect(fileRefText({ kind: 'iommufd' })).toBe('iommufd');
    expect(fileRefText({ kind: 'cdev', dev: 1 })).toBe('cdev(dev2)');
  });
});

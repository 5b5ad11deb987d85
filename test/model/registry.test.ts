/**
 * The registry of kernel entry points (model/iommufd/entry/registry.ts): every
 * facet of every entry point is there, every menu op has an entry point in
 * each kernel it is accepted in, every program counter has one owner and the
 * lock predicates follow the locks the owners declare, and every action the
 * model can produce has a label, a process and a kselftest mapping.
 */
import { describe, expect, test } from 'vitest';
import { CORE, CORE_ENTRIES } from '../../model/iommufd/entry/registry.js';
import { IommufdModel, iommufdSpec } from '../../model/iommufd/index.js';
import { ALL_PCS, IDLE, luMutexHeld, sessionBusy, domainsReadHeld, inFlightRefs } from '../../model/iommufd/state/process.js';
import { PCS, PHASE_NEW, type Action, type State } from '../../model/iommufd/state/types.js';
import { PRESETS } from '../../model/iommufd/scopes/variants.js';
import type { Kernel } from '../../model/iommufd/entry-point.js';

const FACETS = ['type', 'source', 'defines', 'serves', 'accepts', 'then', 'system', 'pcs', 'steps', 'first', 'resume', 'effect', 'label', 'kselftest'] as const;
const FUNCTIONS = ['first', 'effect', 'label', 'kselftest'] as const;

describe('every entry point has every facet', () => {
  test.each(CORE_ENTRIES.map((e) => [e.type, e] as const))('%s', (_type, e) => {
    for (const f of FACETS) expect(Object.keys(e), `facet ${f}`).toContain(f);
    for (const f of FUNCTIONS) expect(typeof e[f], f).toBe('function');
    expect(e.source).toMatch(/^[a-z0-9_/.-]+\.c: [a-z0-9_]+/);
    if (Object.keys(e.pcs).length > 0) expect(typeof e.resume).toBe('function');
    expect(e.serves.length > 0 || e.system !== undefined || CORE_ENTRIES.some((x) => x.then?.includes(e.type)), 'reached from a menu op, a system process or another entry point').toBe(true);
    for (const t of e.then ?? []) expect(CORE.entry(t), `then ${t}`).toBeDefined();
  });
});

test('action types are unique, and the menu ops each is defined once', () => {
  const types = CORE_ENTRIES.map((e) => e.type);
  expect(new Set(types).size).toBe(types.length);
  const ops = CORE_ENTRIES.flatMap((e) => e.defines.map((o) => o.name));
  expect(new Set(ops).size).toBe(ops.length);
  expect(CORE.ops.map((o) => o.name)).toEqual(ops);
});

test('every menu op has an entry point in each kernel it is accepted in, and is served only there', () => {
  for (const spec of CORE.ops) {
    for (const k of ['old', 'new'] as const) {
      const served = (CORE.firstOf(spec.name, k) ?? []).length > 0;
      expect(served, `${spec.name} in the ${k} kernel`).toBe(spec.kernels.includes(k));
    }
  }
});

test('the ops a scope file may name in each kernel, in the order its errors list them', () => {
  expect(CORE.opsIn('old')).toEqual(['map_file', 'unmap', 'destroy', 'attach', 'replace', 'detach', 'mark_preserve', 'add_seals', 'ftruncate', 'fallocate', 'preserve_fd', 'close_session']);
  expect(CORE.opsIn('new')).toEqual(['retrieve_session', 'retrieve_fd', 'map_file', 'add_seals', 'ftruncate', 'fallocate', 'hwpt_alloc', 'replace', 'attach_ioas', 'lu_restore', 'destroy', 'bind_driver', 'finish', 'close_session']);
});

test('a PRESERVE_FD goes to exactly one handler for each kind of file', () => {
  for (const file of [{ kind: 'memfd', memfd: 0 }, { kind: 'iommufd' }, { kind: 'cdev', dev: 0 }] as const) {
    const op = { op: 'preserve_fd', file, token: 1 } as const;
    const takers = (CORE.firstOf('preserve_fd', 'old') ?? []).filter((e) => e.accepts === undefined || e.accepts(op));
    expect(takers.map((e) => e.type), file.kind).toHaveLength(1);
  }
});

test('every program counter but idle has one owner, and every owner\'s program counter is numbered', () => {
  const owned = CORE_ENTRIES.flatMap((e) => Object.keys(e.pcs));
  expect(new Set(owned).size).toBe(owned.length);
  expect([...owned].sort()).toEqual(PCS.filter((p) => p !== 'idle').sort());
  for (const pc of owned) expect(ALL_PCS).toContain(pc);
});

describe('the lock predicates follow the locks the entry points declare at their program counters', () => {
  const model = new IommufdModel(iommufdSpec.scopes['ci']!, PRESETS['fixed']!);
  const s0 = model.initStates()[0]!;
  const at = (pc: (typeof PCS)[number]): State => ({ ...s0, threads: s0.threads.map((t, i) => (i === 0 ? { ...IDLE, op: 0, pc, cur: 0 } : t)) });
  const holding = (lock: string) => PCS.filter((pc) => CORE_ENTRIES.some((e) => (e.pcs as Record<string, readonly string[]>)[pc]?.includes(lock)));
  test('lu_mutex and the session mutex: the lists the model held by hand before the registry', () => {
    expect(holding('lu_mutex')).toEqual(['P1', 'P2', 'P3a', 'P3c_imm', 'P3c_check', 'P3c_domain', 'P3c_err', 'P3e', 'UNPRESERVE', 'OOPS']);
    expect(holding('session')).toEqual(['P1', 'P2', 'P3a', 'P3c_imm', 'P3c_check', 'P3c_domain', 'P3c_err', 'P3e', 'UNPRESERVE', 'CLOSE', 'OOPS']);
    expect(holding('lock_obj')).toEqual(['P3c_imm', 'P3c_check', 'P3c_domain', 'P3c_err', 'P3e']);
    expect(holding('domains_rwsem')).toEqual(['M4']);
  });
  test.each(PCS.map((pc) => [pc]))('a thread at %s', (pc) => {
    const s = at(pc);
    expect(luMutexHeld(s)).toBe(holding('lu_mutex').includes(pc));
    expect(sessionBusy(s)).toBe(holding('session').includes(pc));
    expect(inFlightRefs(s, 0) > 0).toBe(holding('lock_obj').includes(pc));
    // ci's thread 1 issues a MAP_FILE first: domains_rwsem is read-held on its IOAS at M4.
    const m = iommufdSpec.scopes['ci']!.threads[0]![0]!;
    if (m.op === 'map_file') expect(domainsReadHeld(model.ctx, s, m.ioas)).toBe(pc === 'M4');
  });
});

/** The action kinds every shipped scope's menus can issue under every preset (--coverage's list). */
function menuKinds(): Set<string> {
  const kinds = new Set<string>();
  for (const scope of Object.values(iommufdSpec.scopes)) {
    for (const v of Object.values(PRESETS)) for (const k of new IommufdModel(scope, v).actionMenu()) kinds.add(k.kind);
  }
  return kinds;
}

test('every kind a shipped scope\'s menu lists has an entry point, and every entry point but DETACH is in one', () => {
  const kinds = menuKinds();
  for (const k of kinds) expect(CORE.entry(k), k).toBeDefined();
  expect(CORE_ENTRIES.map((e) => e.type).filter((t) => !kinds.has(t))).toEqual(['iommufd_device_detach']);
});

/** Up to `max` states of a scope, breadth first, and every action taken from them (with the state it was taken from). */
function sample(model: IommufdModel, max: number): { a: Action; s: State }[] {
  const seen = new Set<string>();
  const queue = [...model.initStates()];
  const out: { a: Action; s: State }[] = [];
  for (let i = 0; i < queue.length && seen.size < max; i++) {
    const s = queue[i]!;
    const key = JSON.stringify(s);
    if (seen.has(key)) continue;
    seen.add(key);
    for (const a of model.actions(s)) {
      out.push({ a, s });
      queue.push(model.nextState(s, a));
    }
  }
  return out;
}

describe('every action the model produces has a label, a process and a kselftest mapping from its entry point', () => {
  const cases = Object.keys(iommufdSpec.scopes).flatMap((scope) => ['v2', 'fixed'].map((p) => [scope, p] as const));
  test.each(cases)('%s under %s', (scope, preset) => {
    const model = new IommufdModel(iommufdSpec.scopes[scope]!, PRESETS[preset]!);
    const mapped = new Set<string>();
    for (const { a, s } of sample(model, 400)) {
      const e = CORE.entry(a.type);
      expect(e, a.type).toBeDefined();
      const label = model.label(a);
      expect(label.trim(), a.type).not.toBe('');
      expect(label, a.type).not.toContain('\n');
      expect(model.process(a)).toBe(a.pid >= 0 ? `T${a.pid + 1}` : e!.system!.process);
      if (!mapped.has(a.type)) {
        mapped.add(a.type);
        const k = model.kselftest(a, s);
        expect(k.code !== undefined || k.comment !== undefined || k.needs !== undefined, a.type).toBe(true);
      }
      // The first step of a menu op comes from an entry point serving that op in the kernel that runs it.
      const kernel: Kernel = s.phase === PHASE_NEW ? 'new' : 'old';
      if (a.pid >= 0 && s.threads[a.pid]!.op === -1) expect(e!.serves.some((x) => x.op === a.op.op && x.kernel === kernel), `${a.type} ${a.op.op}`).toBe(true);
    }
  }, 600_000);
});

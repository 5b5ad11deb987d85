/**
 * The iommufd ModelSpec and Model (model/iommufd/index.ts) as the command
 * line uses them, with and without --load modules: the shipped scopes,
 * switches and presets, a module's scopes and their refusals, `extend`,
 * the view loaded code gets, point scopes, and the Model's answers the
 * engine and reports ask for (valid ends, quiescence, the menu of action
 * kinds, bookkeeping fields). Scopes are tiny.
 */
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/search/bfs.js';
import { UsageError } from '../../explorer/errors.js';
import type { Invariant } from '../../explorer/invariant.js';
import { iommufdInvariants } from '../../invariants/index.js';
import { parseExtension } from '../../model/iommufd/extension.js';
import { IommufdModel, iommufdSpec, makeIommufdSpec } from '../../model/iommufd/index.js';
import { isQuiescent } from '../../model/iommufd/kernel/boot.js';
import { IOMMUFD_CASES } from '../../model/iommufd/scopes/cases.js';
import { DEFAULT_SCOPE, SCOPE_DOCS, SCOPES } from '../../model/iommufd/scopes/scopes.js';
import { PRESETS, SWITCHES, decodeVariant } from '../../model/iommufd/scopes/variants.js';
import { FieldError } from '../../model/iommufd/state/strict.js';
import type { Action, State } from '../../model/iommufd/state/types.js';
import { thrownBy, ONE_OF_EACH } from './helpers-extension.js';

type Mod = Record<string, unknown>;
type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BASE = ONE_OF_EACH;
const load = (mod: Mod, file = 'x.mjs') => parseExtension(file, `/nowhere/${file}`, mod)!;
const FIELD = { fields: [{ on: 'state', name: 'xsTop', type: 'int', min: 0, max: 3, init: 2 }] };

/** The message of the UsageError `f` throws. */
const refusal = (f: () => unknown): string => thrownBy(f, UsageError);

const plainModel = (scope: Mod) => {
  const spec = makeIommufdSpec();
  return spec.build(spec.parseScope({ ...BASE, ...scope }), PRESETS['fixed']!) as IommufdModel;
};

describe('the spec', () => {
  it('without modules: the shipped scopes, switches, presets, cases and names, and a model with no extension', () => {
    const spec = makeIommufdSpec();
    expect(spec.name).toBe('iommufd');
    expect(spec.description).toMatch(/^iommufd live update \(v2 series\): /);
    expect(spec.scopes).toEqual(SCOPES);
    expect(spec.scopeDocs).toEqual(SCOPE_DOCS);
    expect(spec.defaultScope).toBe(DEFAULT_SCOPE);
    expect(spec.switches).toEqual(SWITCHES);
    expect(spec.presets).toEqual(PRESETS);
    expect(spec.defaultPreset).toBe('fixed');
    expect(spec.cases).toBe(IOMMUFD_CASES);
    expect(plainModel({ threads: [[]] }).ctx.ext).toBeUndefined();
    // the shipped spec is this one, with no module folded in
    expect(Object.keys(iommufdSpec.scopes)).toEqual(Object.keys(SCOPES));
    expect(iommufdSpec.switches).toEqual(SWITCHES);
  });

  it('its invariants: the model\'s for the variant, then the folded-in ones', () => {
    const tree: Invariant<State, Action> = { id: 'xs-tree', title: 'tree', source: 'test', kind: 'state', check: () => null };
    const none = makeIommufdSpec();
    expect(none.invariants(none.scopes[DEFAULT_SCOPE]!, PRESETS['v2']!).map((i) => i.id)).toEqual(iommufdInvariants(decodeVariant(PRESETS['v2']!)).map((i) => i.id));
    const spec = makeIommufdSpec([], [tree]);
    for (const v of [PRESETS['fixed']!, PRESETS['v2']!]) {
      const ids = spec.invariants(spec.scopes[DEFAULT_SCOPE]!, v).map((i) => i.id);
      expect(ids).toEqual([...iommufdInvariants(decodeVariant(v)).map((i) => i.id), 'xs-tree']);
    }
  });

  it('a module\'s scopes join the named ones, parsed with its ops, documented by the file', () => {
    const mod = {
      actions: [{ op: 'xs_op', type: 'xs_op_t', source: 'test', steps: [{}] }],
      scopes: { 'xs-tiny': { ...BASE, threads: [[{ op: 'xs_op' }]] } },
    };
    const spec = makeIommufdSpec([load(mod)]);
    expect(Object.keys(spec.scopes)).toEqual([...Object.keys(SCOPES), 'xs-tiny']);
    expect(spec.scopes['xs-tiny']).toEqual(spec.parseScope(mod.scopes['xs-tiny']));
    expect(spec.scopes['xs-tiny']!.threads).toEqual([[{ op: 'xs_op' }]]);
    expect(spec.scopeDocs).toEqual({ ...SCOPE_DOCS, 'xs-tiny': 'from x.mjs' });
    // a second module's scope beside it; the same name again is refused
    const two = makeIommufdSpec([load(mod), load({ scopes: { 'xs-other': { ...BASE, threads: [[]] } } }, 'y.mjs')]);
    expect(two.scopeDocs!['xs-other']).toBe('from y.mjs');
    expect(refusal(() => makeIommufdSpec([load(mod), load({ scopes: { 'xs-tiny': { ...BASE, threads: [[]] } } }, 'y.mjs')]))).toBe('--load "y.mjs": scope "xs-tiny" already exists');
    expect(refusal(() => makeIommufdSpec([load({ scopes: { [DEFAULT_SCOPE]: { ...BASE, threads: [[]] } } })]))).toBe(`--load "x.mjs": scope "${DEFAULT_SCOPE}" already exists`);
  });

  it('a module\'s bad scope: one line naming the file, the scope and the field', () => {
    const bad = (scope: unknown) => refusal(() => makeIommufdSpec([load({ scopes: { 'xs-bad': scope } })]));
    const direct = (scope: unknown) => refusal(() => makeIommufdSpec().parseScope(scope));
    for (const scope of [{ ...BASE, threads: [[{ op: 'no_such_op' }]] }, { ...BASE, iovas: 'two', threads: [[]] }, { ...BASE, threads: [[]], extra: 1 }]) {
      const why = direct(scope);
      expect(why).toMatch(/^scope: /);
      expect(bad(scope)).toBe(`--load "x.mjs": scope "xs-bad": ${why.slice('scope: '.length)}`);
    }
    expect(bad({ ...BASE, threads: [[{ op: 'no_such_op' }]] })).toMatch(/^--load "x\.mjs": scope "xs-bad": field "threads\[0\]\[0\]\.op" = "no_such_op"; expected /);
  });

  it('extend: a module with nothing for the model adds nothing; modules compose in order', () => {
    expect(iommufdSpec.extend!('i.mjs', '/nowhere/i.mjs', { default: [] })).toBeUndefined();
    const a = iommufdSpec.extend!('a.mjs', '/nowhere/a.mjs', FIELD)!;
    const ab = a.extend!('b.mjs', '/nowhere/b.mjs', { actions: [{ op: 'xs_b', type: 'xs_b_t', source: 'test', steps: [{ effect: (s: Loose) => { s['xsTop'] = 3; } }] }], switches: [{ name: 'xsSw', values: ['p', 'q'], doc: 'd' }] })!;
    expect(ab.switches.map((w) => w.name)).toEqual([...SWITCHES.map((w) => w.name), 'xsSw']);
    const m = ab.build(ab.parseScope({ ...BASE, threads: [[{ op: 'xs_b' }]] }), ab.presets['fixed']!) as IommufdModel;
    const s0 = m.initStates()[0]!;
    expect((s0 as unknown as Loose)['xsTop']).toBe(2);
    expect((m.nextState(s0, m.actions(s0)[0]!) as unknown as Loose)['xsTop']).toBe(3);
    // the field module (a.mjs) again after it: a clash, named by the second load
    expect(refusal(() => ab.extend!('a2.mjs', '/nowhere/a2.mjs', FIELD))).toBe('--load "a2.mjs": field "xsTop" of state is already declared');
    // a spec extended keeps its folded-in invariants
    const tree: Invariant<State, Action> = { id: 'xs-kept', title: 'kept', source: 'test', kind: 'state', check: () => null };
    const ext = makeIommufdSpec([], [tree]).extend!('a.mjs', '/nowhere/a.mjs', FIELD)!;
    expect(ext.invariants(ext.scopes[DEFAULT_SCOPE]!, PRESETS['fixed']!).at(-1)!.id).toBe('xs-kept');
  });

  it('the view loaded invariants get: the declared state with the modules\' fields, read-only', () => {
    const spec = makeIommufdSpec([load(FIELD)]);
    const s = spec.build(spec.parseScope({ ...BASE, threads: [[]] }), spec.presets['fixed']!).initStates()[0]!;
    const view = spec.loadedView!('the check of xs-probe')(s) as unknown as Loose;
    expect(view['xsTop']).toBe(2);
    expect(view['phase']).toBe(s.phase);
    expect(() => view['xsNope']).toThrow(FieldError);
    expect(() => view['xsNope']).toThrow(/^the check of xs-probe reads field "xsNope" of the state, which does not exist; its fields: .*\bxsTop\b/);
    expect(() => { view['xsTop'] = 1; }).toThrow(/^the check of xs-probe writes xsTop of the state; only an action's effect may change the state$/);
    // without modules, the field is not declared
    const plain = makeIommufdSpec();
    const ps = plainModel({ threads: [[]] }).initStates()[0]!;
    const pview = plain.loadedView!('the check of p')({ ...ps, xsTop: 1 } as unknown as State) as unknown as Loose;
    expect(() => pview['xsTop']).toThrow(/^the check of p reads field "xsTop" of the state, which does not exist/);
    expect(pview['phase']).toBe(ps.phase);
  });

  it('a point file\'s scope: its setup with the actors as threads, and the new kernel\'s menus after', () => {
    const spec = makeIommufdSpec();
    const actors = [[{ op: 'unmap', ioas: 0, iova: 0 }]];
    expect(spec.pointScope!({ iovas: 2 }, actors, undefined)).toEqual({ iovas: 2, threads: actors });
    expect(spec.pointScope!({ iovas: 2, threads: [[]] }, actors, undefined)).toEqual({ iovas: 2, threads: actors });
    const after = [[{ op: 'finish' }]];
    expect(spec.pointScope!({ iovas: 2 }, actors, after)).toEqual({ iovas: 2, threads: actors, restore: after, phases: 'lifecycle' });
    expect(spec.pointScope!({ iovas: 2, phases: 'new-kernel' }, actors, after)).toEqual({ iovas: 2, threads: actors, restore: after, phases: 'new-kernel' });
  });
});

describe('the model', () => {
  it('refuses --symmetry with modules that add fields or actions', () => {
    const spec = makeIommufdSpec([load(FIELD)]);
    expect(refusal(() => spec.build(spec.parseScope({ ...BASE, threads: [[]] }), spec.presets['fixed']!, { symmetry: true }))).toBe('--symmetry is not available with --load extensions that add fields or actions (their fields do not move with a device swap)');
    // without modules it builds
    const plain = makeIommufdSpec();
    expect(plain.build(plain.parseScope({ ...BASE, threads: [[]] }), PRESETS['fixed']!, { symmetry: true })).toBeInstanceOf(IommufdModel);
  });

  it('bookkeeping fields, and which ends are valid: every thread idle or oopsed', () => {
    const m = plainModel({ threads: [[], []] });
    expect(m.internalFields()).toEqual(['threads.*.pc', 'threads.*.op', 'threads.*.done']);
    const s = m.initStates()[0]!;
    const at = (pcs: string[]) => ({ ...s, threads: s.threads.map((t, i) => ({ ...t, pc: pcs[i] })) }) as State;
    expect(m.isValidEnd(s)).toBe(true);
    expect(m.isValidEnd(at(['idle', 'OOPS']))).toBe(true);
    expect(m.isValidEnd(at(['OOPS', 'OOPS']))).toBe(true);
    expect(m.isValidEnd(at(['idle', 'M2']))).toBe(false);
    expect(m.isValidEnd(at(['P2', 'idle']))).toBe(false);
  });

  it('quiescence is the boot\'s (new kernel booted, every thread idle), over a lifecycle search', () => {
    const m = plainModel({ phases: 'lifecycle', threads: [[]], restore: [[{ op: 'retrieve_session' }]] });
    const states: State[] = [...m.initStates()];
    explore(m, [{ id: 'c', title: 'c', source: 'test', kind: 'step', check: (_p, _a, n) => (states.push(n), null) }], {});
    const answers = states.map((s) => m.isQuiescent(s));
    expect(answers).toEqual(states.map((s) => isQuiescent(s)));
    expect(new Set(answers)).toEqual(new Set([true, false]));
  });

  it('the menu of action kinds: the ops\' entry points, then reboot and boot steps in a lifecycle scope, those its objects need', () => {
    const kinds = (scope: Mod) => plainModel(scope).actionMenu().map((k) => k.kind);
    const SYSTEM = ['kernel_kexec', 'liveupdate_reboot', 'kho_populate', 'intel_iommu_init', 'iommu_probe_device'];
    const old = kinds({ threads: [[{ op: 'unmap', ioas: 0, iova: 0 }]] });
    expect(old.length).toBeGreaterThan(0);
    expect(old.filter((k) => SYSTEM.includes(k))).toEqual([]);
    const life = kinds({ phases: 'lifecycle', threads: [[{ op: 'unmap', ioas: 0, iova: 0 }]] });
    expect(life.slice(0, old.length)).toEqual(old);
    expect(new Set(life.slice(old.length))).toEqual(new Set(SYSTEM));
    // no session and nothing preserved: no liveupdate_reboot; no device: no probe
    const bare = kinds({ phases: 'lifecycle', session: [], devices: [], hwpts: [], threads: [[{ op: 'unmap', ioas: 0, iova: 0 }]] });
    expect(new Set(bare.slice(old.length))).toEqual(new Set(['kernel_kexec', 'kho_populate', 'intel_iommu_init']));
    // an op's entry point, then those it goes on into (the unwind of a preserve)
    const pres = kinds({ threads: [[{ op: 'preserve_fd', file: { kind: 'iommufd' }, token: 2 }]] });
    expect(pres).toEqual(['iommufd_liveupdate_preserve', 'iommufd_liveupdate_unpreserve']);
  });

  it('the menu of a new-kernel op is its new-kernel entry points\'', () => {
    const mod = { actions: [{ op: 'xs_late', type: 'xs_late_t', source: 'test', kernels: ['new'], steps: [{}, { pc: 'XS_L2' }] }] };
    const spec = makeIommufdSpec([load(mod)]);
    const m = spec.build(spec.parseScope({ ...BASE, phases: 'lifecycle', threads: [[]], restore: [[{ op: 'xs_late' }]] }), spec.presets['fixed']!) as IommufdModel;
    const menu = m.actionMenu();
    expect(menu[0]).toEqual({ kind: 'xs_late_t', steps: ['S1', 'XS_L2'] });
    expect(menu.filter((k) => k.kind === 'xs_late_t')).toHaveLength(1);
  });

  it('the process of an action: the VMM thread that takes it', () => {
    const m = plainModel({ threads: [[], [{ op: 'unmap', ioas: 0, iova: 0 }]] });
    const a = m.actions(m.initStates()[0]!)[0]!;
    expect(m.process(a)).toBe('T2');
  });
});

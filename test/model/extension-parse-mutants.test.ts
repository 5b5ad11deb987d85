/**
 * What --load checks in a module before it builds anything
 * (model/iommufd/extension.ts: parseExtension, compileExtensions,
 * switchesWith), export by export: what each accepted shape parses to, and
 * each refusal with its whole one-line message naming the file and the bad
 * value. Nothing is explored here; test/model/extension-mutants.test.ts
 * runs what a module builds.
 */
import { describe, expect, it } from 'vitest';
import { UsageError, oneOf, shortValue } from '../../explorer/errors.js';
import { compileExtensions, parseExtension, switchesWith, type Extension } from '../../model/iommufd/extension.js';
import { makeIommufdSpec } from '../../model/iommufd/index.js';
import { CORE } from '../../model/iommufd/entry/registry.js';
import { ALL_PCS } from '../../model/iommufd/state/process.js';
import { PRESETS, SWITCHES } from '../../model/iommufd/scopes/variants.js';
import { thrownBy } from './helpers-extension.js';

type Mod = Record<string, unknown>;
const FILE = 'm.mjs';
const parse = (mod: Mod, file = FILE): Extension => parseExtension(file, `/nowhere/${file}`, mod)!;

/** The message of the UsageError `f` throws. */
const refusal = (f: () => unknown): string => thrownBy(f, UsageError);

/** An action with every required key, `over` on top. */
const act = (over: Mod = {}): Mod => ({ op: 'xp_op', type: 'xp_type', source: 'test: xp', steps: [{}], ...over });
const field = (over: Mod = {}): Mod => ({ on: 'ioas', name: 'xp', type: 'int', min: 0, max: 3, init: 0, ...over });
const sw = (over: Mod = {}): Mod => ({ name: 'xpSwitch', values: ['a', 'b'], doc: 'chooses', ...over });

describe('parseExtension: which modules are extensions', () => {
  it('a module with none of fields, actions, switches or scopes is not one (invariants only)', () => {
    expect(parseExtension(FILE, FILE, { model: 'iommufd', default: [] })).toBeUndefined();
  });

  it('any one of the four exports makes it one, and an export left out is empty', () => {
    for (const k of ['fields', 'actions', 'switches']) {
      const x = parseExtension(FILE, '/abs/m.mjs', { [k]: [] });
      expect(x, k).toEqual({ file: FILE, abs: '/abs/m.mjs', fields: [], actions: [], switches: [], scopes: {} });
    }
    const scopes = { tiny: { threads: [[]] } };
    expect(parseExtension(FILE, FILE, { scopes })).toEqual({ file: FILE, abs: FILE, fields: [], actions: [], switches: [], scopes });
  });

  it('refuses an export of the wrong shape', () => {
    expect(refusal(() => parse({ fields: 3 }))).toBe('--load "m.mjs": export "fields" = 3; expected an array');
    expect(refusal(() => parse({ actions: { op: 'x' } }))).toBe('--load "m.mjs": export "actions" = {"op":"x"}; expected an array');
    expect(refusal(() => parse({ switches: 'sw' }))).toBe('--load "m.mjs": export "switches" = "sw"; expected an array');
    expect(refusal(() => parse({ scopes: [] }))).toBe('--load "m.mjs": export "scopes" = []; expected { name: scope JSON }');
    expect(parse({ scopes: null }).scopes).toEqual({}); // null is left out
    expect(refusal(() => parse({ fields: 'x' }, 'dir/other.mjs'))).toBe('--load "dir/other.mjs": export "fields" = "x"; expected an array');
  });
});

describe('fields', () => {
  it('a bool and an int field, on an object kind and on the state, with their doc (empty when not a string)', () => {
    const x = parse({
      fields: [
        { on: 'hwpts', name: 'flag', type: 'bool', init: true, doc: 'a flag' },
        { on: 'state', name: 'count', type: 'int', min: -2, max: 5, init: 5, doc: 7 },
        { on: 'threads', name: 'tries', type: 'int', min: 3, max: 3, init: 3 },
        { on: 'memfds', name: 'edge', type: 'int', min: -(2 ** 30), max: 2 ** 30, init: -(2 ** 30) },
      ],
    });
    expect(x.fields).toEqual([
      { on: 'hwpts', name: 'flag', type: { t: 'bool' }, init: true, doc: 'a flag' },
      { on: 'state', name: 'count', type: { t: 'int', min: -2, max: 5 }, init: 5, doc: '' },
      { on: 'threads', name: 'tries', type: { t: 'int', min: 3, max: 3 }, init: 3, doc: '' },
      { on: 'memfds', name: 'edge', type: { t: 'int', min: -(2 ** 30), max: 2 ** 30 }, init: -(2 ** 30), doc: '' },
    ]);
    expect(parse({ fields: [field({ on: 'devices', init: 3 }), field({ on: 'groups', name: 'g', type: 'bool', init: false })] }).fields.map((f) => [f.on, f.init])).toEqual([['devices', 3], ['groups', false]]);
  });

  it('refuses each bad field with its index, key and value', () => {
    const cases: [unknown, string][] = [
      [null, 'fields[1] = null; expected { on, name, type, init, doc }'],
      [['on', 'ioas'], 'fields[1] = ["on","ioas"]; expected { on, name, type, init, doc }'],
      [7, 'fields[1] = 7; expected { on, name, type, init, doc }'],
      [field({ on: 'iommus' }), 'fields[1].on = "iommus"; accepted: state, memfds, ioas, hwpts, devices, groups or threads'],
      [field({ name: 3 }), 'fields[1].name = 3; expected an identifier'],
      [field({ name: 'has-dash' }), 'fields[1].name = "has-dash"; expected an identifier'],
      [field({ name: ['abc'] }), 'fields[1].name = ["abc"]; expected an identifier'],
      [field({ type: 'bool', init: 0 }), 'fields[1].init = 0; expected true or false for a bool field'],
      [field({ type: 'bool', init: undefined }), 'fields[1].init = undefined; expected true or false for a bool field'],
      [field({ type: 'string' }), 'fields[1].type = "string"; accepted: bool or int'],
      [field({ type: undefined }), 'fields[1].type = undefined; accepted: bool or int'],
      [field({ min: undefined }), 'fields[1] has min undefined and max 3; expected integers with min <= max, within +-2^30'],
      [field({ max: '3' }), 'fields[1] has min 0 and max "3"; expected integers with min <= max, within +-2^30'],
      [field({ min: 0.5 }), 'fields[1] has min 0.5 and max 3; expected integers with min <= max, within +-2^30'],
      [field({ max: 2.5 }), 'fields[1] has min 0 and max 2.5; expected integers with min <= max, within +-2^30'],
      [field({ min: 4 }), 'fields[1] has min 4 and max 3; expected integers with min <= max, within +-2^30'],
      [field({ min: -(2 ** 30) - 1 }), `fields[1] has min ${-(2 ** 30) - 1} and max 3; expected integers with min <= max, within +-2^30`],
      [field({ max: 2 ** 30 + 1 }), `fields[1] has min 0 and max ${2 ** 30 + 1}; expected integers with min <= max, within +-2^30`],
      [field({ init: '1' }), 'fields[1].init = "1"; expected an integer from 0 to 3'],
      [field({ init: 1.5 }), 'fields[1].init = 1.5; expected an integer from 0 to 3'],
      [field({ init: -1 }), 'fields[1].init = -1; expected an integer from 0 to 3'],
      [field({ init: 4 }), 'fields[1].init = 4; expected an integer from 0 to 3'],
      [field({ init: undefined }), 'fields[1].init = undefined; expected an integer from 0 to 3'],
    ];
    for (const [bad, want] of cases) expect(refusal(() => parse({ fields: [field({ name: 'ok' }), bad] })), want).toBe(`--load "m.mjs": ${want}`);
  });
});

describe('actions', () => {
  it('an action as parsed: op fields and their bounds, kernels, steps with their names, pcs, locks and functions', () => {
    const guard = () => true;
    const effect = () => undefined;
    const fails = () => false;
    const label = () => 'l';
    const kselftest = () => undefined;
    const x = parse({
      actions: [
        act({
          fields: { io: 'ioas', m: 'memfd', h: 'hwpt', sl: 'slot', d: 'dev', v: 'iova', p: 'page', t: 'token', b: 'bool', n: { kind: 'int', min: 0, max: 255 }, k: { kind: 'token', min: 1, max: 2 }, o: { kind: 'bool', optional: true }, q: { kind: 'bool', optional: 'yes' }, e: { kind: 'int', min: 4, max: 4 } },
          kernels: ['new', 'old'],
          steps: [{ name: 'begin', needs: ['lock_a', 'lu_mutex'], guard, effect, fails }, { pc: 'XP_2', holds: ['lock_a'] }, { pc: 'XP_3', name: 'not an identifier' }],
          label, kselftest, doc: 'what it does',
        }),
      ],
    });
    expect(x.actions).toStrictEqual([
      {
        op: 'xp_op', type: 'xp_type', source: 'test: xp',
        fields: {
          io: { kind: 'ioas' }, m: { kind: 'memfd' }, h: { kind: 'hwpt' }, sl: { kind: 'slot' }, d: { kind: 'dev' }, v: { kind: 'iova' }, p: { kind: 'page' }, t: { kind: 'token' }, b: { kind: 'bool' },
          n: { kind: 'int', min: 0, max: 255 }, k: { kind: 'token', min: 1, max: 2 }, o: { kind: 'bool', optional: true }, q: { kind: 'bool' }, e: { kind: 'int', min: 4, max: 4 },
        },
        kernels: ['new', 'old'],
        steps: [
          { name: 'begin', holds: [], needs: ['lock_a', 'lu_mutex'], guard, effect, fails },
          { name: 'XP_2', pc: 'XP_2', holds: ['lock_a'], needs: [], guard: undefined, effect: undefined, fails: undefined },
          { name: 'XP_3', pc: 'XP_3', holds: [], needs: [], guard: undefined, effect: undefined, fails: undefined },
        ],
        label, kselftest, doc: 'what it does',
      },
    ]);
  });

  it('defaults: no fields, the old kernel, a first step named S1, a doc from the type and source', () => {
    const [a] = parse({ actions: [act({ steps: [{ needs: undefined }] })] }).actions;
    expect(a).toStrictEqual({ op: 'xp_op', type: 'xp_type', source: 'test: xp', fields: {}, kernels: ['old'], steps: [{ name: 'S1', holds: [], needs: [], guard: undefined, effect: undefined, fails: undefined }], label: undefined, kselftest: undefined, doc: 'xp_type (test: xp)' });
    expect(parse({ actions: [act({ doc: 5, fields: null })] }).actions[0]!.doc).toBe('xp_type (test: xp)');
    // sixteen steps are accepted
    const sixteen = [{}, ...Array.from({ length: 15 }, (_, i) => ({ pc: `XP_S${i}` }))];
    expect(parse({ actions: [act({ steps: sixteen })] }).actions[0]!.steps).toHaveLength(16);
  });

  it('refuses each bad action with its index, key and value', () => {
    const cases: [unknown, string][] = [
      [null, 'actions[1] = null; expected { op, type, source, fields, kernels, steps, label }'],
      [['op'], 'actions[1] = ["op"]; expected { op, type, source, fields, kernels, steps, label }'],
      [act({ op: 3 }), 'actions[1].op = 3; expected an identifier (how scope files name the op)'],
      [act({ op: 'two words' }), 'actions[1].op = "two words"; expected an identifier (how scope files name the op)'],
      [act({ op: ['abc'] }), 'actions[1].op = ["abc"]; expected an identifier (how scope files name the op)'],
      [act({ type: 3 }), 'actions[1].type = 3; expected the kernel function the steps model, e.g. "iommufd_access_pin_pages"'],
      [act({ type: 'a.b' }), 'actions[1].type = "a.b"; expected the kernel function the steps model, e.g. "iommufd_access_pin_pages"'],
      [act({ type: ['abc'] }), 'actions[1].type = ["abc"]; expected the kernel function the steps model, e.g. "iommufd_access_pin_pages"'],
      [act({ source: 3 }), 'actions[1].source = 3; expected the kernel source it mirrors (file: function)'],
      [act({ source: '  ' }), 'actions[1].source = "  "; expected the kernel source it mirrors (file: function)'],
      [act({ source: '' }), 'actions[1].source = ""; expected the kernel source it mirrors (file: function)'],
      [act({ fields: 3 }), 'actions[1].fields = 3; expected { name: kind }'],
      [act({ fields: ['ioas'] }), 'actions[1].fields = ["ioas"]; expected { name: kind }'],
      [act({ fields: { op: 'ioas' } }), 'actions[1].fields has a field named "op"; expected identifiers other than "op"'],
      [act({ fields: { 'a-b': 'ioas' } }), 'actions[1].fields has a field named "a-b"; expected identifiers other than "op"'],
      [act({ fields: { n: 'int' } }), 'actions[1].fields.n = "int"; accepted: ioas, memfd, hwpt, slot, dev, iova, page, token or bool or { kind: "int", min, max }'],
      [act({ fields: { n: 'file' } }), 'actions[1].fields.n = "file"; accepted: ioas, memfd, hwpt, slot, dev, iova, page, token or bool or { kind: "int", min, max }'],
      [act({ fields: { n: 3 } }), 'actions[1].fields.n = 3; accepted: ioas, memfd, hwpt, slot, dev, iova, page, token or bool or { kind: "int", min, max }'],
      [act({ fields: { n: { kind: 'file' } } }), 'actions[1].fields.n = {"kind":"file"}; accepted: ioas, memfd, hwpt, slot, dev, iova, page, token or bool or { kind: "int", min, max }'],
      [act({ fields: { n: ['ioas'] } }), 'actions[1].fields.n = ["ioas"]; accepted: ioas, memfd, hwpt, slot, dev, iova, page, token or bool or { kind: "int", min, max }'],
      [act({ fields: { n: { kind: 'int' } } }), 'actions[1].fields.n = {"kind":"int"}; an int field needs integer min <= max within 0..255'],
      [act({ fields: { n: { kind: 'int', min: 0 } } }), 'actions[1].fields.n = {"kind":"int","min":0}; an int field needs integer min <= max within 0..255'],
      [act({ fields: { n: { kind: 'int', min: '0', max: 2 } } }), 'actions[1].fields.n = {"kind":"int","min":"0","max":2}; an int field needs integer min <= max within 0..255'],
      [act({ fields: { n: { kind: 'int', min: 0.5, max: 2 } } }), 'actions[1].fields.n = {"kind":"int","min":0.5,"max":2}; an int field needs integer min <= max within 0..255'],
      [act({ fields: { n: { kind: 'int', min: 0, max: 2.5 } } }), 'actions[1].fields.n = {"kind":"int","min":0,"max":2.5}; an int field needs integer min <= max within 0..255'],
      [act({ fields: { n: { kind: 'int', min: 3, max: 2 } } }), 'actions[1].fields.n = {"kind":"int","min":3,"max":2}; an int field needs integer min <= max within 0..255'],
      [act({ fields: { n: { kind: 'int', min: -1, max: 2 } } }), 'actions[1].fields.n = {"kind":"int","min":-1,"max":2}; an int field needs integer min <= max within 0..255'],
      [act({ fields: { n: { kind: 'int', min: 0, max: 256 } } }), 'actions[1].fields.n = {"kind":"int","min":0,"max":256}; an int field needs integer min <= max within 0..255'],
      [act({ kernels: 'old' }), 'actions[1].kernels = "old"; expected ["old"], ["new"] or ["old", "new"]'],
      [act({ kernels: [] }), 'actions[1].kernels = []; expected ["old"], ["new"] or ["old", "new"]'],
      [act({ kernels: ['mid'] }), 'actions[1].kernels = ["mid"]; expected ["old"], ["new"] or ["old", "new"]'],
      [act({ kernels: ['old', 'mid'] }), 'actions[1].kernels = ["old","mid"]; expected ["old"], ["new"] or ["old", "new"]'],
      [act({ steps: undefined }), 'actions[1].steps = undefined; expected 1 to 16 steps'],
      [act({ steps: {} }), 'actions[1].steps = {}; expected 1 to 16 steps'],
      [act({ steps: [] }), 'actions[1].steps = []; expected 1 to 16 steps'],
      [act({ steps: [{}, ...Array.from({ length: 16 }, (_, i) => ({ pc: `XP_T${i}` }))] }), `actions[1].steps = ${shortValue([{}, ...Array.from({ length: 16 }, (_, i) => ({ pc: `XP_T${i}` }))])}; expected 1 to 16 steps`],
      [act({ steps: [{}, null] }), 'actions[1].steps[1] = null; expected { pc?, holds?, needs?, guard?, effect?, fails? }'],
      [act({ steps: [[]] }), 'actions[1].steps[0] = []; expected { pc?, holds?, needs?, guard?, effect?, fails? }'],
      [act({ steps: [{}, { pc: 3 }] }), 'actions[1].steps[1].pc = 3; every step after the first names the program counter its thread waits at before it'],
      [act({ steps: [{}, { pc: 'X 2' }] }), 'actions[1].steps[1].pc = "X 2"; every step after the first names the program counter its thread waits at before it'],
      [act({ steps: [{}, { name: 'X2' }] }), 'actions[1].steps[1].pc = undefined; every step after the first names the program counter its thread waits at before it'],
      [act({ steps: [{ pc: 'X1' }] }), 'actions[1].steps[0].pc = "X1"; the first step starts from an idle thread and has no pc'],
      [act({ steps: [{ pc: 3 }] }), 'actions[1].steps[0].pc = 3; the first step starts from an idle thread and has no pc'],
      [act({ steps: [{ name: 3 }] }), 'actions[1].steps[0].name = 3; expected an identifier (the first step\'s name in traces; S1 when left out)'],
      [act({ steps: [{ name: ['grab'] }] }), 'actions[1].steps[0].name = ["grab"]; expected an identifier (the first step\'s name in traces; S1 when left out)'],
      [act({ steps: [{ name: 'grab it' }] }), 'actions[1].steps[0].name = "grab it"; expected an identifier (the first step\'s name in traces; S1 when left out)'],
      // two steps of one name: the later one's effect would run for both
      [act({ steps: [{}, { pc: 'S1' }] }), 'actions[1].steps[1].pc = "S1"; steps[0] is named so already (the first step is S1 unless named); every step needs a name of its own'],
      [act({ steps: [{ name: 'XP_N' }, { pc: 'XP_M' }, { pc: 'XP_N' }] }), 'actions[1].steps[2].pc = "XP_N"; steps[0] is named so already (the first step is S1 unless named); every step needs a name of its own'],
      [act({ steps: [{}, { pc: 'XP_D' }, { pc: 'XP_E' }, { pc: 'XP_D' }] }), 'actions[1].steps[3].pc = "XP_D"; steps[1] is named so already (the first step is S1 unless named); every step needs a name of its own'],
      [act({ steps: [{ holds: [] }] }), 'actions[1].steps[0].holds is set on the first step; `holds` names the locks held at a step\'s pc, taken by the step before'],
      [act({ steps: [{}, { pc: 'XP_H', holds: 'lock_a' }] }), 'actions[1].steps[1].holds = "lock_a"; expected an array of lock names'],
      [act({ steps: [{}, { pc: 'XP_H', holds: ['lock_a', 3] }] }), 'actions[1].steps[1].holds = ["lock_a",3]; expected an array of lock names'],
      [act({ steps: [{ needs: ['lock_a', 'b-c'] }] }), 'actions[1].steps[0].needs = ["lock_a","b-c"]; expected an array of lock names'],
      [act({ steps: [{ needs: [['lock_a']] }] }), 'actions[1].steps[0].needs = [["lock_a"]]; expected an array of lock names'],
      [act({ steps: [{ needs: null }] }), 'actions[1].steps[0].needs = null; expected an array of lock names'],
      [act({ steps: [{ guard: true }] }), 'actions[1].steps[0].guard = true; expected a function'],
      [act({ steps: [{}, { pc: 'XP_H', effect: 'x' }] }), 'actions[1].steps[1].effect = "x"; expected a function'],
      [act({ steps: [{ fails: 1 }] }), 'actions[1].steps[0].fails = 1; expected a function'],
      [act({ label: 'a label' }), 'actions[1].label = "a label"; expected a function'],
      [act({ kselftest: {} }), 'actions[1].kselftest = {}; expected a function'],
    ];
    for (const [bad, want] of cases) expect(refusal(() => parse({ actions: [act({ op: 'ok', type: 'ok_t' }), bad] })), want).toBe(`--load "m.mjs": ${want}`);
  });
});

describe('switches', () => {
  it('a switch as parsed: values, doc and presets (none given: an empty map)', () => {
    expect(parse({ switches: [sw({ values: ['on-off', 'b2', 'C'], presets: { v2: 'C', fixed: 'b2' } }), sw({ name: 'two' })] }).switches).toEqual([
      { name: 'xpSwitch', values: ['on-off', 'b2', 'C'], doc: 'chooses', presets: { v2: 'C', fixed: 'b2' } },
      { name: 'two', values: ['a', 'b'], doc: 'chooses', presets: {} },
    ]);
  });

  it('refuses each bad switch with its index, key and value', () => {
    const cases: [unknown, string][] = [
      [null, 'switches[1] = null; expected { name, values, doc, presets }'],
      [[], 'switches[1] = []; expected { name, values, doc, presets }'],
      [sw({ name: 3 }), 'switches[1].name = 3; expected an identifier'],
      [sw({ name: 'a b' }), 'switches[1].name = "a b"; expected an identifier'],
      [sw({ name: ['ab'] }), 'switches[1].name = ["ab"]; expected an identifier'],
      [sw({ values: 'a,b' }), 'switches[1].values = "a,b"; expected two or more distinct names'],
      [sw({ values: ['a'] }), 'switches[1].values = ["a"]; expected two or more distinct names'],
      [sw({ values: ['a', 'a'] }), 'switches[1].values = ["a","a"]; expected two or more distinct names'],
      [sw({ values: ['a', 2] }), 'switches[1].values = ["a",2]; expected two or more distinct names'],
      [sw({ values: ['a', ['b']] }), 'switches[1].values = ["a",["b"]]; expected two or more distinct names'],
      [sw({ values: ['a', '-b'] }), 'switches[1].values = ["a","-b"]; expected two or more distinct names'],
      [sw({ values: ['a', 'b!'] }), 'switches[1].values = ["a","b!"]; expected two or more distinct names'],
      [sw({ values: ['a', 'b c'] }), 'switches[1].values = ["a","b c"]; expected two or more distinct names'],
      [sw({ presets: ['a'] }), 'switches[1].presets = ["a"]; expected { preset: value }'],
      [sw({ presets: { v2: 'a', fixed: 'c' } }), 'switches[1].presets.fixed = "c"; accepted: a or b'],
      [sw({ doc: undefined }), 'switches[1].doc is missing; say what the switch chooses and which value is as posted'],
      [sw({ doc: 3 }), 'switches[1].doc is missing; say what the switch chooses and which value is as posted'],
      [sw({ doc: ' \t' }), 'switches[1].doc is missing; say what the switch chooses and which value is as posted'],
    ];
    for (const [bad, want] of cases) expect(refusal(() => parse({ switches: [sw({ name: 'ok' }), bad] })), want).toBe(`--load "m.mjs": ${want}`);
  });

  it('switchesWith adds them after the model\'s, each preset taking the value named or the first', () => {
    const base = [{ name: 'base', values: ['x', 'y'], doc: 'base' }];
    const presets = { v2: { base: 'x' }, fixed: { base: 'y' } };
    const one = parse({ switches: [sw({ presets: { fixed: 'b' } })] });
    const two = parse({ switches: [sw({ name: 'second', values: ['p', 'q'], doc: 'second one', presets: { v2: 'q' } })] }, 'n.mjs');
    expect(switchesWith([one, two], base, presets)).toEqual({
      switches: [...base, { name: 'xpSwitch', values: ['a', 'b'], doc: 'chooses' }, { name: 'second', values: ['p', 'q'], doc: 'second one' }],
      presets: { v2: { base: 'x', xpSwitch: 'a', second: 'q' }, fixed: { base: 'y', xpSwitch: 'b', second: 'p' } },
    });
    expect(presets).toEqual({ v2: { base: 'x' }, fixed: { base: 'y' } }); // not changed in place
    expect(base).toHaveLength(1);
    expect(switchesWith([], base, presets)).toEqual({ switches: base, presets });
  });

  it('refuses a switch that exists (the model\'s or an earlier module\'s) and a preset that does not', () => {
    expect(refusal(() => switchesWith([parse({ switches: [sw({ name: SWITCHES[0]!.name })] })], SWITCHES, PRESETS))).toBe(`--load "m.mjs": switch "${SWITCHES[0]!.name}" already exists`);
    expect(refusal(() => switchesWith([parse({ switches: [sw({ name: SWITCHES.at(-1)!.name })] })], SWITCHES, PRESETS))).toBe(`--load "m.mjs": switch "${SWITCHES.at(-1)!.name}" already exists`);
    const first = parse({ switches: [sw()] });
    expect(refusal(() => switchesWith([first, parse({ switches: [sw()] }, 'n.mjs')], SWITCHES, PRESETS))).toBe('--load "n.mjs": switch "xpSwitch" already exists');
    expect(refusal(() => switchesWith([parse({ switches: [sw({ presets: { v2: 'a', nightly: 'b' } })] })], SWITCHES, PRESETS))).toBe(`--load "m.mjs": switch xpSwitch names preset "nightly"; accepted: ${oneOf(Object.keys(PRESETS))}`);
  });
});

describe('compileExtensions: clashes with the model and between modules', () => {
  const core = { ops: CORE.ops.map((o) => o.name), types: CORE.entries.map((e) => e.type) };

  it('no module: no extension', () => {
    expect(compileExtensions([], core)).toBeUndefined();
  });

  it('refuses an op or entry point of the model, and a field declared twice', () => {
    expect(refusal(() => makeIommufdSpec([parse({ actions: [act({ op: 'unmap' })] })]))).toBe('--load "m.mjs": action xp_type: menu op "unmap" is the model\'s own; name the new op otherwise');
    expect(refusal(() => makeIommufdSpec([parse({ actions: [act({ op: 'finish' })] })]))).toBe('--load "m.mjs": action xp_type: menu op "finish" is the model\'s own; name the new op otherwise');
    expect(refusal(() => makeIommufdSpec([parse({ actions: [act({ type: 'iommufd_destroy' })] })]))).toBe('--load "m.mjs": action iommufd_destroy: the model already has an entry point iommufd_destroy; name the new one otherwise');
    expect(refusal(() => makeIommufdSpec([parse({ fields: [field({ on: 'hwpts', name: 'users' })] })]))).toBe('--load "m.mjs": field "users" of hwpts is already declared');
    expect(refusal(() => makeIommufdSpec([parse({ fields: [field({ on: 'state', name: 'phase' })] })]))).toBe('--load "m.mjs": field "phase" of state is already declared');
    expect(refusal(() => makeIommufdSpec([parse({ fields: [field({ on: 'threads', name: 'pc' })] })]))).toBe('--load "m.mjs": field "pc" of threads is already declared');
    // twice in one module, and in a second module: the message names the module that declares it again
    expect(refusal(() => makeIommufdSpec([parse({ fields: [field(), field({ on: 'hwpts' }), field({ init: 1 })] })]))).toBe('--load "m.mjs": field "xp" of ioas is already declared');
    expect(refusal(() => makeIommufdSpec([parse({ fields: [field()] }), parse({ fields: [field({ type: 'bool', init: false })] }, 'n.mjs')]))).toBe('--load "n.mjs": field "xp" of ioas is already declared');
  });

  it('refuses two modules with one op or one entry point, and a program counter in use', () => {
    const a = parse({ actions: [act()] });
    expect(refusal(() => makeIommufdSpec([a, parse({ actions: [act({ type: 'xp_other' })] }, 'n.mjs')]))).toBe('the --load extensions: menu op "xp_op" is defined twice');
    expect(refusal(() => makeIommufdSpec([a, parse({ actions: [act({ op: 'xp_other' })] }, 'n.mjs')]))).toBe('the --load extensions: entry point "xp_type" is defined twice');
    expect(refusal(() => makeIommufdSpec([parse({ actions: [act({ steps: [{}, { pc: 'M2' }] })] })]))).toBe('--load "m.mjs": action xp_type: program counter "M2" is already in use; name it otherwise');
  });

  it('registers only the program counters of steps after the first (a one-step action adds none)', () => {
    const before = ALL_PCS.length;
    makeIommufdSpec([parse({ actions: [act()] })]);
    expect(ALL_PCS.length).toBe(before);
    makeIommufdSpec([parse({ actions: [act({ steps: [{}, { pc: 'XP_R2', holds: ['xp_lock'] }] })] })]);
    // (a run before this one in the same process may have registered it already: the same registration again is a no-op)
    expect(ALL_PCS.filter((p) => p === 'XP_R2')).toEqual(['XP_R2']);
    expect(ALL_PCS.length - before).toBeLessThanOrEqual(1);
  });
});

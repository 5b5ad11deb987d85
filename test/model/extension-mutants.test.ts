/**
 * What a --load module builds (model/iommufd/extension.ts: compileAction,
 * the fields' fill, encoding and JSON view) and how the model uses it
 * (model/iommufd/index.ts), called in-process: the entry point and menu op
 * an action becomes, what its guard, fails, effect, label and kselftest
 * are handed and what they may return, the one-line errors for loaded code
 * that throws or returns what it may not, and a state's extension fields
 * through fill, encode, decode and toJson. Scopes are tiny; every count of
 * states comes from a search.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/search/bfs.js';
import { Encoder } from '../../explorer/search/fingerprint.js';
import { loadedCalls } from '../../explorer/search/loaded-calls.js';
import { LoadedCodeError, UsageError } from '../../explorer/errors.js';
import type { Invariant } from '../../explorer/invariant.js';
import type { Variant } from '../../explorer/spec.js';
import { decodeExtFields, encodeExtFields, extWordCount, fillExtFields, parseExtension } from '../../model/iommufd/extension.js';
import { IommufdModel, makeIommufdSpec } from '../../model/iommufd/index.js';
import type { Ext, GenericAction } from '../../model/iommufd/entry-point.js';
import { stateJson } from '../../model/iommufd/render/view.js';
import type { Action, State } from '../../model/iommufd/state/types.js';
import { thrownBy, ONE_OF_EACH } from './helpers-extension.js';

type Mod = Record<string, unknown>;
type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ABS = fileURLToPath(import.meta.url);
const SRC = readFileSync(ABS, 'utf8').split('\n');
/** The line of this file that carries the comment `@mark-<n>`. */
const lineOf = (n: number) => SRC.findIndex((l) => l.includes(`@mark-${n}`)) + 1;

/** The spec with modules loaded from this file (named x.mjs, x2.mjs, ...), so a throw is located here. */
const specOf = (...mods: Mod[]) => makeIommufdSpec(mods.map((m, i) => parseExtension(i === 0 ? 'x.mjs' : `x${i + 1}.mjs`, ABS, m)!));

const BASE = ONE_OF_EACH;

function modelOf(mods: Mod | Mod[], scope: Mod, set: Variant = {}): IommufdModel {
  const spec = specOf(...(Array.isArray(mods) ? mods : [mods]));
  return spec.build(spec.parseScope({ ...BASE, ...scope }), { ...spec.presets['fixed']!, ...set }) as IommufdModel;
}

/** Every state and label an exhaustive search of `model` reaches. */
function reach(model: IommufdModel) {
  const labels = new Set<string>();
  const states: State[] = [...model.initStates()];
  const probe: Invariant<State, Action> = {
    id: 'collect', title: 'collect', source: 'test', kind: 'step',
    check: (_p, a, n) => {
      labels.add(model.label(a));
      states.push(n);
      return null;
    },
  };
  const result = explore(model, [probe], {});
  return { result, labels, states };
}

/** The one enabled action of `s` labelled `label`. */
function take(model: IommufdModel, s: State, label: string): State {
  const as = model.actions(s).filter((a) => model.label(a) === label);
  expect(as.map((a) => model.label(a)), `${label} among ${model.actions(s).map((a) => model.label(a)).join(' | ')}`).toEqual([label]);
  return model.nextState(s, as[0]!);
}

/** The message of the LoadedCodeError `f` throws. */
const loadedError = (f: () => unknown): string => thrownBy(f, LoadedCodeError);

const ext = (m: IommufdModel): Ext => m.ctx.ext!;
const raw = (s: State) => s as unknown as Loose;

describe('an action becomes an entry point and a menu op', () => {
  const two = {
    op: 'xb_two', type: 'xb_two_t', source: 'test: xb two', kernels: ['old', 'new'], doc: 'two steps',
    fields: { n: { kind: 'int', min: 1, max: 2 }, h: 'hwpt' },
    steps: [{ needs: ['xb_lock'] }, { pc: 'XB_2', holds: ['xb_lock'] }],
  };
  const one = { op: 'xb_one', type: 'xb_one_t', source: 'test: xb one', steps: [{}] };

  it('its facets: source, the op it serves in each kernel, its program counters and steps', () => {
    const m = modelOf({ actions: [two, one] }, { threads: [[]] });
    const reg = ext(m).reg;
    const e2 = reg.entry('xb_two_t')!;
    expect([e2.type, e2.source, e2.serves, e2.pcs, e2.steps]).toEqual(['xb_two_t', 'test: xb two', [{ op: 'xb_two', kernel: 'old' }, { op: 'xb_two', kernel: 'new' }], { XB_2: ['xb_lock'] }, ['S1', 'XB_2']]);
    const e1 = reg.entry('xb_one_t')!;
    expect([e1.serves, e1.pcs, 'steps' in e1]).toEqual([[{ op: 'xb_one', kernel: 'old' }], {}, false]);
    expect(reg.op('xb_two')).toEqual({ name: 'xb_two', doc: 'two steps', fields: { n: { kind: 'int', min: 1, max: 2 }, h: { kind: 'hwpt' } }, kernels: ['old', 'new'] });
    expect(reg.op('xb_one')!.doc).toBe('xb_one_t (test: xb one)');
    expect([reg.opsIn('old'), reg.opsIn('new')]).toEqual([['xb_two', 'xb_one'], ['xb_two']]);
    expect(reg.pcOwner('XB_2')).toBe(e2);
  });

  it('a thread takes the steps in order, holds the lock between them, and is idle with the op done after the last', () => {
    const m = modelOf({ actions: [two, one] }, { threads: [[{ op: 'xb_two', n: 2, h: 0 }, { op: 'xb_one' }]] });
    let s = m.initStates()[0]!;
    // an idle thread may start any op of its menu not done yet
    expect(m.actions(s).map((a) => [m.label(a), m.actionKind(a), m.actionStep(a)])).toEqual([['xb_two_t S1 (n 2, h 0)', 'xb_two_t', 'S1'], ['xb_one_t', 'xb_one_t', undefined]]);
    s = take(m, s, 'xb_two_t S1 (n 2, h 0)');
    expect(s.threads[0]).toMatchObject({ pc: 'XB_2', op: 0, done: 0 });
    expect(m.actions(s).map((a) => [m.label(a), m.actionStep(a)])).toEqual([['xb_two_t XB_2 (n 2, h 0)', 'XB_2']]);
    s = take(m, s, 'xb_two_t XB_2 (n 2, h 0)');
    expect(s.threads[0]).toMatchObject({ pc: 'idle', op: -1, done: 1 });
    expect(m.actions(s).map((a) => m.label(a))).toEqual(['xb_one_t']);
    s = take(m, s, 'xb_one_t');
    expect(s.threads[0]).toMatchObject({ pc: 'idle', done: 3 });
    expect(m.actions(s)).toEqual([]);
  });

  it('the model reports the steps: its menu lists the kinds with their steps, and a step only for a multi-step kind', () => {
    const m = modelOf({ actions: [two, one] }, { threads: [[{ op: 'xb_two', n: 1, h: 0 }], [{ op: 'xb_one' }]] });
    expect(m.actionMenu()).toEqual([{ kind: 'xb_two_t', steps: ['S1', 'XB_2'] }, { kind: 'xb_one_t' }]);
    expect(m.actionStep({ type: 'no_such_type', pid: 0 } as unknown as Action)).toBeUndefined();
    expect(() => m.label({ type: 'no_such_type', pid: 0 } as unknown as Action)).toThrow('no entry point has action type "no_such_type"');
  });

  it('a second thread that needs the lock waits while the first stands at XB_2; held() tells a step so', () => {
    const mod = {
      fields: [{ on: 'state', name: 'sawHeld', type: 'int', min: 0, max: 3, init: 0 }],
      actions: [
        two,
        { op: 'xb_peek', type: 'xb_peek_t', source: 'test', steps: [{ effect: (s: Loose, _o: unknown, c: Loose) => { s['sawHeld'] |= c['held']('xb_lock') ? 2 : 1; } }] },
      ],
    };
    const m = modelOf(mod, { threads: [[{ op: 'xb_two', n: 1, h: 0 }], [{ op: 'xb_two', n: 2, h: 0 }], [{ op: 'xb_peek' }]] });
    const { result, states } = reach(m);
    expect(result.result).toBe('ok');
    // never both threads at XB_2
    expect(states.some((s) => s.threads.filter((t) => t.pc === ('XB_2' as string)).length > 1)).toBe(false);
    expect(states.filter((s) => s.threads.some((t) => t.pc === ('XB_2' as string))).length).toBeGreaterThan(0);
    // the peek ran both while a thread held the lock and while none did
    expect(new Set(states.map((s) => raw(s)['sawHeld']))).toEqual(new Set([0, 1, 2]));
  });
});

describe('a first step with a name of its own', () => {
  it('runs its own effect under its name, then the next step', () => {
    const mod = {
      fields: [{ on: 'state', name: 'xbSum', type: 'int', min: 0, max: 9, init: 0 }],
      actions: [{ op: 'xb_named', type: 'xb_named_t', source: 'test', steps: [{ name: 'grab', effect: (s: Loose) => { s['xbSum'] += 1; } }, { pc: 'XB_N2', effect: (s: Loose) => { s['xbSum'] += 4; } }] }],
    };
    const m = modelOf(mod, { threads: [[{ op: 'xb_named' }]] });
    const s1 = take(m, m.initStates()[0]!, 'xb_named_t grab');
    expect([raw(s1)['xbSum'], s1.threads[0]!.pc]).toEqual([1, 'XB_N2']);
    const s2 = take(m, s1, 'xb_named_t XB_N2');
    expect([raw(s2)['xbSum'], s2.threads[0]!.pc]).toEqual([5, 'idle']);
    expect(ext(m).reg.entry('xb_named_t')!.steps).toEqual(['grab', 'XB_N2']);
  });
});

describe('what loaded steps are handed', () => {
  it('the op\'s fields (frozen), the thread, the switches, and failed only in the failing outcome', () => {
    const seen: Loose[] = [];
    const mod = {
      fields: [{ on: 'state', name: 'seen', type: 'int', min: 0, max: 2, init: 0 }],
      switches: [{ name: 'xbMode', values: ['lax', 'strict'], doc: 'how strict', presets: { fixed: 'strict' } }],
      actions: [{
        op: 'xb_look', type: 'xb_look_t', source: 'test', fields: { n: { kind: 'int', min: 0, max: 3 } },
        steps: [{
          guard: (_s: unknown, op: Loose, c: Loose) => { seen.push({ at: 'guard', n: op['n'], pid: c['pid'], failed: c['failed'], mode: c['sw']['xbMode'], frozen: Object.isFrozen(op) }); return true; },
          fails: (_s: unknown, op: Loose, c: Loose) => { seen.push({ at: 'fails', n: op['n'], failed: c['failed'] }); return c['failed'] === false; },
          effect: (s: Loose, op: Loose, c: Loose) => { seen.push({ at: 'effect', n: op['n'], pid: c['pid'], failed: c['failed'], mode: c['sw']['xbMode'], frozen: Object.isFrozen(op) }); s['seen'] = c['failed'] ? 2 : 1; },
        }],
      }],
    };
    const m = modelOf(mod, { threads: [[], [{ op: 'xb_look', n: 3 }]] });
    const s0 = m.initStates()[0]!;
    const as = m.actions(s0);
    expect(as.map((a) => m.label(a))).toEqual(['xb_look_t (n 3)', 'xb_look_t (n 3) -> fails']);
    expect(as.map((a) => (a as GenericAction).fail)).toEqual([false, true]);
    expect(as.map((a) => raw(m.nextState(s0, a))['seen'])).toEqual([1, 2]);
    expect(seen).toEqual([
      { at: 'guard', n: 3, pid: 1, failed: false, mode: 'strict', frozen: true },
      { at: 'fails', n: 3, failed: false },
      { at: 'effect', n: 3, pid: 1, failed: false, mode: 'strict', frozen: true },
      { at: 'effect', n: 3, pid: 1, failed: true, mode: 'strict', frozen: true },
    ]);
    // --set: the switch's other value reaches the step
    seen.length = 0;
    const lax = modelOf(mod, { threads: [[{ op: 'xb_look', n: 0 }]] }, { xbMode: 'lax' });
    lax.actions(lax.initStates()[0]!);
    expect(seen[0]).toEqual({ at: 'guard', n: 0, pid: 0, failed: false, mode: 'lax', frozen: true });
  });

  it('a guard that says no leaves the op waiting; a step without an effect only moves the thread', () => {
    const mod = {
      fields: [{ on: 'state', name: 'gate', type: 'bool', init: false }],
      actions: [
        { op: 'xb_wait', type: 'xb_wait_t', source: 'test', steps: [{ guard: (s: Loose) => s['gate'] }] },
        { op: 'xb_open', type: 'xb_open_t', source: 'test', steps: [{ effect: (s: Loose) => { s['gate'] = true; } }] },
      ],
    };
    const m = modelOf(mod, { threads: [[{ op: 'xb_wait' }], [{ op: 'xb_open' }]] });
    let s = m.initStates()[0]!;
    expect(m.actions(s).map((a) => m.label(a))).toEqual(['xb_open_t']);
    s = take(m, s, 'xb_open_t');
    const before = s;
    s = take(m, s, 'xb_wait_t');
    expect({ ...s, threads: before.threads }).toEqual(before);
    expect(s.threads[0]).toMatchObject({ pc: 'idle', done: 1 });
  });

  it('an effect that returns "return" ends its op at once; undefined goes on to the next step', () => {
    const mod = {
      actions: [{
        op: 'xb_ret', type: 'xb_ret_t', source: 'test', fields: { early: 'bool' },
        steps: [{ effect: (_s: unknown, op: Loose) => (op['early'] ? 'return' : undefined) }, { pc: 'XB_R2' }],
      }],
    };
    const m = modelOf(mod, { threads: [[{ op: 'xb_ret', early: true }], [{ op: 'xb_ret', early: false }]] });
    const s0 = m.initStates()[0]!;
    expect(take(m, s0, 'xb_ret_t S1 (early true)').threads[0]).toMatchObject({ pc: 'idle', op: -1, done: 1 });
    expect(take(m, s0, 'xb_ret_t S1 (early false)').threads[1]).toMatchObject({ pc: 'XB_R2', op: 0, done: 0 });
  });
});

describe('labels and kselftests of loaded actions', () => {
  const labelled = (label: unknown, steps: Mod[] = [{}]) => ({
    actions: [{ op: 'xb_lab', type: 'xb_lab_t', source: 'test', fields: { n: { kind: 'int', min: 0, max: 3 } }, steps: steps.map((st) => ({ ...st, fails: () => true })), label }],
  });

  it('the label the action gives, with the step added when it does not name it, and whether the step failed', () => {
    const m = modelOf(labelled((op: Loose, step: string, failed: boolean) => `pin ${op['n']}${step === 'XB_L2' ? ' at XB_L2' : ''}${failed ? ' (fails)' : ''}`, [{}, { pc: 'XB_L2' }]), { threads: [[{ op: 'xb_lab', n: 2 }]] });
    const s0 = m.initStates()[0]!;
    expect(m.actions(s0).map((a) => m.label(a))).toEqual(['pin 2 S1', 'pin 2 (fails) S1']);
    const s1 = m.nextState(s0, m.actions(s0)[0]!);
    expect(m.actions(s1).map((a) => m.label(a))).toEqual(['pin 2 at XB_L2', 'pin 2 at XB_L2 (fails)']);
    // one step: the label as given
    const one = modelOf(labelled(() => 'just this'), { threads: [[{ op: 'xb_lab', n: 0 }]] });
    expect(one.actions(one.initStates()[0]!).map((a) => one.label(a))).toEqual(['just this', 'just this']);
  });

  it('the default label: type, step, fields, and the injected failure', () => {
    const mod = { actions: [{ op: 'xb_dl', type: 'xb_dl_t', source: 'test', fields: { h: 'hwpt', on: 'bool' }, steps: [{ fails: () => true }, { pc: 'XB_D2' }] }] };
    const m = modelOf(mod, { threads: [[{ op: 'xb_dl', h: 0, on: true }]] });
    const s0 = m.initStates()[0]!;
    expect(m.actions(s0).map((a) => m.label(a))).toEqual(['xb_dl_t S1 (h 0, on true)', 'xb_dl_t S1 (h 0, on true) -> fails']);
  });

  it('refuses a label that is not one line of text', () => {
    for (const [bad, shown] of [[3, '3'], ['', '""'], [' \t', '" \\t"'], ['two\nlines', '"two\\nlines"'], [undefined, 'undefined']] as const) {
      const m = modelOf(labelled(() => bad), { threads: [[{ op: 'xb_lab', n: 0 }]] });
      const a = m.actions(m.initStates()[0]!)[0]!;
      expect(loadedError(() => m.label(a))).toBe(`--load "x.mjs": the label of xb_lab_t returned ${shown}; expected one line of text`);
    }
  });

  it('kselftest: the C the action gives, a comment for nothing, a marked gap without one; refuses other returns', () => {
    const withKs = (kselftest: unknown) => ({
      actions: [{ op: 'xb_ks', type: 'xb_ks_t', source: 'test', fields: { n: { kind: 'int', min: 0, max: 3 } }, steps: [{}, { pc: 'XB_K2' }], kselftest }],
    });
    const step = (kselftest: unknown, at = 0) => {
      const m = modelOf(withKs(kselftest), { threads: [[{ op: 'xb_ks', n: 1 }]] });
      let s = m.initStates()[0]!;
      for (let i = 0; i < at; i++) s = m.nextState(s, m.actions(s)[0]!);
      return m.kselftest(m.actions(s)[0]!, s);
    };
    expect(step(undefined)).toMatchObject({ needs: 'C for xb_ks_t, which its extension (x.mjs) does not give' });
    expect(step(undefined)).not.toHaveProperty('code');
    expect(step(() => undefined)).toMatchObject({ comment: 'inside xb_ks_t' });
    expect(step(() => undefined)).not.toHaveProperty('needs');
    const ks = (op: Loose, st: string) => (st === 'S1' ? { code: [`pin(${op['n']});`] } : { code: [`unpin(${op['n']});`, 'x();'], comment: 'second' });
    expect(step(ks)).toMatchObject({ code: ['pin(1);'], comment: 'xb_ks_t (x.mjs)' });
    expect(step(ks, 1)).toMatchObject({ code: ['unpin(1);', 'x();'], comment: 'second' });
    const only = step(() => ({ comment: 'only words' }));
    expect(only).toMatchObject({ comment: 'only words' });
    expect(only).not.toHaveProperty('code');
    expect(step(() => ({ code: [] }))).toMatchObject({ code: [] });
    for (const [bad, shown] of [[3, '3'], [[], '[]'], [{ code: 'x();' }, '{"code":"x();"}'], [{ code: ['x();', 2] }, '{"code":["x();",2]}']] as const) {
      expect(loadedError(() => step(() => bad))).toBe(`--load "x.mjs": the kselftest of xb_ks_t returned ${shown}; expected { code: [lines of C], comment? } or nothing`);
    }
  });
});

describe('loaded code that goes wrong: one line naming the file and what it did', () => {
  const at = (n: number) => `--load x.mjs:${lineOf(n)}:`;
  const oneStep = (step: Mod, more: Mod = {}) => ({
    fields: [{ on: 'ioas', name: 'xbv', type: 'int', min: 0, max: 3, init: 0 }],
    actions: [{ op: 'xb_bad', type: 'xb_bad_t', source: 'test', steps: [step], ...more }],
  });
  const first = (mod: Mod) => {
    const m = modelOf(mod, { threads: [[{ op: 'xb_bad' }]] });
    const s = m.initStates()[0]!;
    return { m, s, go: () => m.nextState(s, m.actions(s)[0]!) };
  };

  it('a throw, with the line it was thrown at and the first line of its message', () => {
    const guard = first(oneStep({ guard: () => { throw new RangeError('no range\nsecond line'); } })); // @mark-1
    expect(loadedError(() => guard.m.actions(guard.s))).toMatch(new RegExp(`^${at(1)}\\d+: the guard of xb_bad_t step S1 threw RangeError: no range$`));
    const effect = first(oneStep({ effect: () => { throw 'a string'; } })); // @mark-2
    expect(loadedError(effect.go)).toBe(`--load "x.mjs": the effect of xb_bad_t step S1 threw "a string"`);
    const effect2 = first(oneStep({ effect: () => { throw new TypeError('bad type'); } })); // @mark-3
    expect(loadedError(effect2.go)).toMatch(new RegExp(`^${at(3)}\\d+: the effect of xb_bad_t step S1 threw TypeError: bad type$`));
    const fails = first(oneStep({ fails: () => { throw new Error('cannot tell'); } })); // @mark-4
    expect(loadedError(() => fails.m.actions(fails.s))).toMatch(new RegExp(`^${at(4)}\\d+: fails of xb_bad_t step S1 threw Error: cannot tell$`));
    const label = first(oneStep({}, { label: () => { throw new Error('no label'); } })); // @mark-5
    expect(loadedError(() => label.m.label(label.m.actions(label.s)[0]!))).toMatch(new RegExp(`^${at(5)}\\d+: the label of xb_bad_t threw Error: no label$`));
    const ks = first(oneStep({}, { kselftest: () => { throw new Error('no C'); } })); // @mark-6
    expect(loadedError(() => ks.m.kselftest(ks.m.actions(ks.s)[0]!, ks.s))).toMatch(new RegExp(`^${at(6)}\\d+: the kselftest of xb_bad_t threw Error: no C$`));
    // each call was counted under its name (what a stuck call is reported as)
    for (const name of ['the guard of xb_bad_t step S1', 'fails of xb_bad_t step S1', 'the effect of xb_bad_t step S1', 'the label of xb_bad_t', 'the kselftest of xb_bad_t']) {
      expect(loadedCalls.names).toContain(`${name} (--load "x.mjs")`);
    }
  });

  it('a throw from code outside the loaded file names the file alone; a UsageError it throws passes as it is', () => {
    const spec = makeIommufdSpec([parseExtension('y.mjs', '/elsewhere/y.mjs', oneStep({ effect: () => { throw new Error('from here'); } }))!]);
    const m = spec.build(spec.parseScope({ ...BASE, threads: [[{ op: 'xb_bad' }]] }), spec.presets['fixed']!) as IommufdModel;
    const s = m.initStates()[0]!;
    expect(loadedError(() => m.nextState(s, m.actions(s)[0]!))).toBe('--load "y.mjs": the effect of xb_bad_t step S1 threw Error: from here');
    const usage = first(oneStep({ effect: () => { throw new UsageError('said by the module'); } }));
    let e: unknown;
    try {
      usage.go();
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(UsageError);
    expect(e).not.toBeInstanceOf(LoadedCodeError);
    expect((e as Error).message).toBe('said by the module');
  });

  it('a field that is not there, read or written, and a write from a guard', () => {
    const read = first(oneStep({ guard: (s: Loose) => s['ioas'][0]['xbw'] === 0 })); // @mark-7
    expect(loadedError(() => read.m.actions(read.s))).toMatch(new RegExp(`^${at(7)}\\d+: the guard of xb_bad_t step S1 reads field "xbw" of ioas\\[0\\], which does not exist; its fields: .*\\bxbv\\b`));
    const write = first(oneStep({ effect: (s: Loose) => { s['ioas'][0]['xbw'] = 1; } })); // @mark-8
    expect(loadedError(write.go)).toMatch(new RegExp(`^${at(8)}\\d+: the effect of xb_bad_t step S1 writes field "xbw" of ioas\\[0\\], which is not declared`));
    const guardWrites = first(oneStep({ guard: (s: Loose) => { s['ioas'][0]['xbv'] = 1; return true; } })); // @mark-9
    expect(loadedError(() => guardWrites.m.actions(guardWrites.s))).toMatch(new RegExp(`^${at(9)}\\d+: the guard of xb_bad_t step S1 writes xbv of ioas\\[0\\]; only an action's effect may change the state$`));
    expect(raw(guardWrites.s)['ioas'][0]['xbv']).toBe(0);
    // the declared extension field is read and written through the views
    const ok = first(oneStep({ guard: (s: Loose) => s['ioas'][0]['xbv'] === 0, effect: (s: Loose) => { s['ioas'][0]['xbv'] = 3; } }));
    expect(raw(ok.go())['ioas'][0]['xbv']).toBe(3);
    expect(raw(ok.s)['ioas'][0]['xbv']).toBe(0); // on a copy
  });

  it('an effect that returns something else, or leaves a value the declared state cannot hold', () => {
    expect(loadedError(first(oneStep({ effect: () => 42 })).go)).toBe('--load "x.mjs": the effect of xb_bad_t step S1 returned 42; expected nothing (go on to the next step) or "return" (the op returns now)');
    expect(loadedError(first(oneStep({ effect: () => 'returns' })).go)).toBe('--load "x.mjs": the effect of xb_bad_t step S1 returned "returns"; expected nothing (go on to the next step) or "return" (the op returns now)');
    expect(loadedError(first(oneStep({ effect: (s: Loose) => { s['ioas'][0]['xbv'] = 9; } })).go)).toBe('--load "x.mjs": the effect of xb_bad_t step S1 leaves ioas[0].xbv = 9, expected an integer from 0 to 3');
    expect(loadedError(first(oneStep({ effect: (s: Loose) => { s['ioas'][0]['xbv'] = true; } })).go)).toBe('--load "x.mjs": the effect of xb_bad_t step S1 leaves ioas[0].xbv = true, expected an integer from 0 to 3');
  });
});

describe('extension fields in the state: fill, encode, decode, JSON', () => {
  const everywhere = {
    fields: [
      { on: 'state', name: 'xTop', type: 'int', min: 0, max: 7, init: 5 },
      { on: 'threads', name: 'xT', type: 'int', min: 0, max: 3, init: 2 },
      { on: 'memfds', name: 'xM', type: 'bool', init: true },
      { on: 'ioas', name: 'xI', type: 'int', min: -4, max: 4, init: -3 },
      { on: 'hwpts', name: 'xH', type: 'bool', init: false },
      { on: 'devices', name: 'xD', type: 'int', min: 0, max: 9, init: 9 },
      { on: 'groups', name: 'xG', type: 'bool', init: true },
      { on: 'state', name: 'xFlag', type: 'bool', init: true },
      { on: 'threads', name: 'xT2', type: 'bool', init: true },
    ],
  };
  const scope = { threads: [[], []] };

  it('a fresh state has every field at its initial value, on every object of its kind', () => {
    const s = raw(modelOf(everywhere, scope).initStates()[0]!);
    expect([s['xTop'], s['xFlag']]).toEqual([5, true]);
    expect(s['threads'].map((t: Loose) => [t['xT'], t['xT2']])).toEqual([[2, true], [2, true]]);
    expect([s['memfds'][0]['xM'], s['ioas'][0]['xI'], s['hwpts'][0]['xH'], s['devices'][0]['xD'], s['groups'][0]['xG']]).toEqual([true, -3, false, 9, true]);
  });

  it('the encoding: one word each, the state\'s fields first, then per kind in declaration order; decode reads it back', () => {
    const m = modelOf(everywhere, scope);
    const s0 = raw(m.initStates()[0]!);
    const s = { ...s0, xTop: 7, xFlag: false, threads: [{ ...s0['threads'][0], xT: 1 }, { ...s0['threads'][1], xT2: false }], ioas: [{ ...s0['ioas'][0], xI: 4 }], hwpts: [{ ...s0['hwpts'][0], xH: true }] } as unknown as State;
    const words: unknown[] = [];
    encodeExtFields(ext(m), s, { push: (v) => words.push(v) });
    expect(words).toEqual([7, 0, 1, 1, 2, 0, 1, 4, 1, 9, 1]);
    expect(extWordCount(ext(m), s)).toBe(words.length);
    const enc = new Encoder();
    m.encode(s, enc);
    const all = enc.buf.slice(0, enc.len);
    expect([...all.slice(all.length - words.length)]).toEqual(words);
    expect(m.decode(all)).toEqual(s);
    expect(decodeExtFields(ext(m), m.decode(all), Int32Array.from([0, ...words]), 1)).toEqual(s);
    // without extensions, the encoding has none of these words
    const plain = makeIommufdSpec();
    const pm = plain.build(plain.parseScope({ ...BASE, ...scope }), plain.presets['fixed']!) as IommufdModel;
    const penc = new Encoder();
    pm.encode(pm.initStates()[0]!, penc);
    expect(penc.len).toBe(enc.len - words.length);
    expect(pm.decode(penc.buf.slice(0, penc.len))).toEqual(pm.initStates()[0]);
  });

  it('fill adds only what an object lacks, keeps what it has, and returns the state itself when nothing lacks', () => {
    const m = modelOf(everywhere, scope);
    const s0 = m.initStates()[0]!;
    expect(fillExtFields(ext(m), s0)).toBe(s0);
    const r = raw(s0);
    // thread 0 lacks nothing (a value other than the initial one); thread 1 lacks xT and has xT2 at another value
    const t0 = { ...r['threads'][0], xT: 0 };
    const { xT: _a, ...noXT } = { ...r['threads'][1], xT2: false };
    const { xTop: _c, ...rest } = r;
    const partial = { ...rest, threads: [t0, noXT] } as unknown as State;
    const filled = raw(fillExtFields(ext(m), partial));
    expect(filled['threads']).toStrictEqual([t0, { ...r['threads'][1], xT2: false }]);
    expect(filled['threads'][0]).toBe(t0); // an object that lacks nothing is kept as it is
    expect(filled['xTop']).toBe(5);
    expect(filled['memfds']).toBe(r['memfds']);
    expect(raw(partial)['threads'][1]).not.toHaveProperty('xT'); // not changed in place
  });

  it('a thread local goes back to its initial value when the model\'s own op returns (a fresh thread object)', () => {
    const mod = {
      fields: [{ on: 'threads', name: 'xLocal', type: 'int', min: 0, max: 3, init: 1 }, { on: 'hwpts', name: 'xHw', type: 'bool', init: true }],
      actions: [{ op: 'xb_set', type: 'xb_set_t', source: 'test', steps: [{ effect: (s: Loose, _o: unknown, c: Loose) => { s['threads'][c['pid']]['xLocal'] = 3; } }, { pc: 'XB_S2' }] }],
    };
    const m = modelOf(mod, { threads: [[{ op: 'xb_set' }, { op: 'unmap', ioas: 0, iova: 0 }]] });
    const { states, labels, result } = reach(m);
    expect(result.result).toBe('ok');
    expect([...labels]).toEqual(expect.arrayContaining(['xb_set_t S1', 'xb_set_t XB_S2']));
    expect(states.length).toBeGreaterThan(3);
    for (const s of states) {
      const t = raw(s)['threads'][0];
      expect(t['xLocal'], JSON.stringify(t)).toBe(t['pc'] === 'XB_S2' ? 3 : 1);
      for (const h of raw(s)['hwpts']) expect(h['xHw']).toBe(true);
    }
    // the unmap ran, and after it the thread is idle with its local at 1
    expect(states.some((s) => s.threads[0]!.done === 3 && raw(s)['threads'][0]['xLocal'] === 1)).toBe(true);
  });

  it('toJson shows each field where its object is, under the names the state view uses', () => {
    const m = modelOf(everywhere, scope);
    const s = m.initStates()[0]!;
    const j = m.toJson(s) as Loose;
    const core = stateJson(s) as Loose;
    expect(Object.keys(j)).toEqual([...Object.keys(core), 'xTop', 'xFlag']);
    expect([j['xTop'], j['xFlag']]).toEqual([5, true]);
    const added: Record<string, Record<string, unknown>> = { threads: { xT: 2, xT2: true }, memfds: { xM: true }, ioas: { xI: -3 }, hwpts: { xH: false }, devices: { xD: 9 }, groups: { xG: true } };
    for (const [kind, fields] of Object.entries(added)) {
      expect(Object.keys(j[kind]), kind).toEqual(Object.keys(core[kind]));
      expect(Array.isArray(j[kind]), kind).toBe(Array.isArray(core[kind]));
      for (const key of Object.keys(core[kind])) expect(j[kind][key], `${kind}.${key}`).toEqual({ ...core[kind][key], ...fields });
    }
    // the model's own fields are untouched
    expect(j['session']).toEqual(core['session']);
    const plain = makeIommufdSpec();
    const pm = plain.build(plain.parseScope({ ...BASE, ...scope }), plain.presets['fixed']!) as IommufdModel;
    expect(pm.toJson(pm.initStates()[0]!)).toEqual(stateJson(pm.initStates()[0]!));
  });
});

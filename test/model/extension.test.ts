/**
 * What a --load extension can say, unit by unit: a two-step action holding
 * a lock other steps need, an injected failure, an early return, a thread
 * local that resets when the op returns, a new-kernel op, a top-level field,
 * and the refusals (symmetry, clashes, bad shapes). Models are built from
 * in-memory modules through the spec's `extend`, as --load does.
 */
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/search/bfs.js';
import type { Invariant } from '../../explorer/invariant.js';
import { UsageError } from '../../explorer/errors.js';
import { iommufdSpec } from '../../model/iommufd/index.js';
import type { Action, State } from '../../model/iommufd/state/types.js';
import { FIXED } from './helpers.js';
import { ONE_OF_EACH } from './helpers-extension.js';

type Mod = Record<string, unknown>;
const extend = (mod: Mod) => iommufdSpec.extend!('mem.mjs', '/nowhere/mem.mjs', mod)!;

const BASE = ONE_OF_EACH;

function explored(mod: Mod, scope: Mod, inv?: (s: State) => string | null) {
  const spec = extend(mod);
  const sc = spec.parseScope({ ...BASE, ...scope });
  const model = spec.build(sc, { ...FIXED });
  const invs: Invariant<State, Action>[] = inv ? [{ id: 'probe', title: 'probe', source: 'test', kind: 'state', check: inv }] : [];
  const labels = new Set<string>();
  const seen: State[] = [];
  const probe: Invariant<State, Action> = {
    id: 'collect', title: 'collect', source: 'test', kind: 'step',
    check: (_p, a, n) => {
      labels.add(model.label(a));
      seen.push(n);
      return null;
    },
  };
  return { result: explore(model, [...invs, probe], {}), labels, seen, model };
}

describe('--load extensions: what a module can say', () => {
  it('a two-step action holds its lock between the steps; a step that needs it waits', () => {
    const mod = {
      fields: [{ on: 'state', name: 'inside', type: 'int', min: 0, max: 2, init: 0 }],
      actions: [
        {
          op: 'crit', type: 'ext_crit', source: 'test: crit', steps: [
            { needs: ['my_lock'], effect: (s: { inside: number }) => { s.inside += 1; } },
            { pc: 'C2', holds: ['my_lock'], effect: (s: { inside: number }) => { s.inside -= 1; } },
          ],
        },
      ],
    };
    const both = explored(mod, { threads: [[{ op: 'crit' }], [{ op: 'crit' }]] }, (s) => ((s as unknown as { inside: number }).inside > 1 ? 'two threads inside' : null));
    expect(both.result.violations).toEqual([]);
    expect([...both.labels]).toEqual(expect.arrayContaining(['ext_crit S1', 'ext_crit C2']));
    // Without the lock, the search finds both threads inside.
    const noLock = { ...mod, actions: [{ ...mod.actions[0]!, steps: [{ effect: mod.actions[0]!.steps[0]!.effect }, { pc: 'C2b', effect: mod.actions[0]!.steps[1]!.effect }] }] };
    const racy = explored(noLock, { threads: [[{ op: 'crit' }], [{ op: 'crit' }]] }, (s) => ((s as unknown as { inside: number }).inside > 1 ? 'two threads inside' : null));
    expect(racy.result.violations.map((v) => v.invariant)).toEqual(['probe']);
  });

  it('the model\'s own locks: a step that needs lu_mutex waits while PRESERVE_FD(iommufd) holds it', () => {
    const mod = {
      fields: [{ on: 'state', name: 'sawMutex', type: 'bool', init: false }],
      actions: [{ op: 'peek', type: 'ext_peek', source: 'test: peek', steps: [{ needs: ['lu_mutex'], effect: (s: { sawMutex: boolean; threads: { pc: string }[] }) => { s.sawMutex = s.threads.some((t) => t.pc === 'P2'); } }] }],
    };
    const r = explored(mod, { threads: [[{ op: 'preserve_fd', file: { kind: 'iommufd' }, token: 2 }], [{ op: 'peek' }]] }, (s) => ((s as unknown as { sawMutex: boolean }).sawMutex ? 'ran inside lu_mutex' : null));
    expect(r.result.violations).toEqual([]);
    expect(r.labels.has('ext_peek')).toBe(true);
  });

  it('an injected failure explores both outcomes; "return" ends the op early; a thread local resets when the op returns', () => {
    const mod = {
      fields: [
        { on: 'threads', name: 'tries', type: 'int', min: 0, max: 3, init: 0 },
        { on: 'state', name: 'failures', type: 'int', min: 0, max: 3, init: 0 },
      ],
      actions: [
        {
          op: 'try_it', type: 'ext_try', source: 'test: try', steps: [
            { fails: () => true, effect: (s: { failures: number; threads: { tries: number }[] }, _o: unknown, c: { pid: number; failed: boolean }) => {
              s.threads[c.pid]!.tries += 1;
              if (c.failed) { s.failures += 1; return 'return'; }
              return undefined;
            } },
            { pc: 'T2', effect: () => undefined },
          ],
        },
      ],
    };
    const r = explored(mod, { threads: [[{ op: 'try_it' }]] });
    expect([...r.labels]).toEqual(expect.arrayContaining(['ext_try S1', 'ext_try S1 -> fails', 'ext_try T2']));
    const ends = r.seen.filter((s) => s.threads[0]!.pc === 'idle' && s.threads[0]!.done === 1);
    expect(ends.map((s) => (s as unknown as { failures: number }).failures).sort()).toEqual([0, 1]);
    for (const s of ends) expect((s.threads[0] as unknown as { tries: number }).tries).toBe(0);
    expect(r.seen.some((s) => (s.threads[0]!.pc as string) === 'T2' && (s.threads[0] as unknown as { tries: number }).tries === 1)).toBe(true);
  });

  it('a new-kernel op runs after kexec, from the new kernel\'s menus', () => {
    const mod = {
      fields: [{ on: 'state', name: 'afterBoot', type: 'bool', init: false }],
      actions: [{ op: 'late', type: 'ext_late', source: 'test: late', kernels: ['new'], steps: [{ effect: (s: { afterBoot: boolean; phase: number }) => { s.afterBoot = s.phase === 2; } }] }],
    };
    const r = explored(mod, { phases: 'lifecycle', threads: [[]], restore: [[{ op: 'late' }]] });
    expect(r.labels.has('ext_late')).toBe(true);
    expect(r.seen.some((s) => (s as unknown as { afterBoot: boolean }).afterBoot)).toBe(true);
    // It is not accepted in an old-kernel menu.
    expect(() => extend(mod).parseScope({ ...BASE, threads: [[{ op: 'late' }]] })).toThrow(/threads\[0\]\[0\]\.op/);
  });

  it('op fields are bounded by the scope, and named in errors', () => {
    const mod = { actions: [{ op: 'poke', type: 'ext_poke', source: 'test', fields: { hwpt: 'hwpt', n: { kind: 'int', min: 1, max: 3 } }, steps: [{}] }] };
    const spec = extend(mod);
    expect(() => spec.parseScope({ ...BASE, threads: [[{ op: 'poke', hwpt: 1, n: 1 }]] })).toThrow(/threads\[0\]\[0\]\.hwpt" = 1; expected an integer from 0 to 0/);
    expect(() => spec.parseScope({ ...BASE, threads: [[{ op: 'poke', hwpt: 0, n: 4 }]] })).toThrow(/\.n" = 4; expected an integer from 1 to 3/);
    expect(() => spec.parseScope({ ...BASE, threads: [[{ op: 'poke', hwpt: 0, n: 1, extra: 1 }]] })).toThrow(/unknown field "threads\[0\]\[0\]\.extra"/);
  });

  it('refuses symmetry, and modules of the wrong shape, each with one line naming the file and the value', () => {
    const spec = extend({ fields: [{ on: 'hwpts', name: 'x', type: 'bool', init: false }] });
    expect(() => spec.build(spec.parseScope({ ...BASE, threads: [[]] }), FIXED, { symmetry: true })).toThrow(/--symmetry is not available/);
    const bad: [Mod, RegExp][] = [
      [{ fields: [{ on: 'nope', name: 'x', type: 'bool', init: false }] }, /fields\[0\]\.on = "nope"/],
      [{ fields: [{ on: 'ioas', name: 'x', type: 'int', min: 0, max: 3, init: 9 }] }, /fields\[0\]\.init = 9; expected an integer from 0 to 3/],
      [{ actions: [{ op: 'a', type: 'b', source: 's', steps: [] }] }, /steps = \[\]; expected 1 to 16 steps/],
      [{ actions: [{ op: 'a', type: 'b', source: 's', steps: [{}, {}] }] }, /steps\[1\]\.pc = undefined; every step after the first names the program counter/],
      [{ actions: [{ op: 'a', type: 'b', source: 's', steps: [{}, { pc: 'P1' }] }] }, /program counter "P1" is already in use/],
      [{ actions: [{ op: 'a', type: 'b', source: 's', steps: [{ guard: 3 }] }] }, /steps\[0\]\.guard = 3; expected a function/],
      [{ switches: [{ name: 'sw', values: ['a'], doc: 'd' }] }, /switches\[0\]\.values = \["a"\]; expected two or more distinct names/],
      [{ switches: [{ name: 'sw', values: ['a', 'b'], doc: 'd', presets: { nope: 'a' } }] }, /names preset "nope"/],
    ];
    for (const [mod, want] of bad) {
      let e: unknown;
      try {
        extend(mod);
      } catch (x) {
        e = x;
      }
      expect(e, want.source).toBeInstanceOf(UsageError);
      expect((e as Error).message).toMatch(/^--load "mem\.mjs": /);
      expect((e as Error).message).toMatch(want);
    }
  });
});

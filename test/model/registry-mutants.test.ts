/**
 * The Registry of entry points (model/iommufd/entry-point.ts) built from
 * made-up entry points and menu ops: what it answers (the entry of a type,
 * the entry points of an op per kernel, the owner of a program counter,
 * the ops per kernel, the pcs, the system steps) and each refusal with its
 * message. test/model/registry.test.ts checks the shipped registry.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../explorer/errors.js';
import { Registry, type AnyEntryPoint, type Kernel, type MenuOpSpec } from '../../model/iommufd/entry-point.js';
import { thrownBy } from './helpers-extension.js';

const op = (name: string, kernels: Kernel[] = ['old']): MenuOpSpec => ({ name, doc: name, fields: {}, kernels });

function entry(type: string, serves: [string, Kernel][] = [], more: Partial<AnyEntryPoint> = {}): AnyEntryPoint {
  return {
    type, source: 'test.c: f', serves: serves.map(([o, kernel]) => ({ op: o, kernel })), pcs: {},
    first: () => [], effect: (_c: unknown, s: unknown) => s, label: () => type, kselftest: () => ({ comment: type }),
    ...more,
  } as AnyEntryPoint;
}

/** The message of the UsageError `f` throws. */
const refusal = (f: () => unknown): string => thrownBy(f, UsageError);

describe('Registry', () => {
  it('answers by type, op and kernel, program counter, in registration order', () => {
    const resume = () => [];
    const a = entry('ra_a', [['ra_x', 'old'], ['ra_y', 'new']], { pcs: { RA1: [], RA2: ['l'] }, resume, then: ['ra_b'] });
    const b = entry('ra_b', [['ra_x', 'old'], ['ra_z', 'old']], { pcs: { RB1: [] }, resume });
    const boot = entry('ra_boot', [], { system: { process: 'boot', inMenu: () => true } });
    const reg = new Registry([a, b, boot], [op('ra_x'), op('ra_y', ['new']), op('ra_z', ['old', 'new'])]);
    expect(reg.entry('ra_a')).toBe(a);
    expect(reg.entry('ra_none')).toBeUndefined();
    expect(reg.firstOf('ra_x', 'old')).toEqual([a, b]);
    expect(reg.firstOf('ra_y', 'new')).toEqual([a]);
    expect(reg.firstOf('ra_y', 'old')).toBeUndefined();
    expect(reg.firstOf('ra_z', 'new')).toBeUndefined(); // accepted there, but nothing serves it
    expect([reg.pcOwner('RA2'), reg.pcOwner('RB1'), reg.pcOwner('idle')]).toEqual([a, b, undefined]);
    expect(reg.pcs()).toEqual(['RA1', 'RA2', 'RB1']);
    expect(reg.op('ra_z')).toEqual(op('ra_z', ['old', 'new']));
    expect(reg.op('ra_none')).toBeUndefined();
    expect(reg.opsIn('old')).toEqual(['ra_x', 'ra_z']);
    expect(reg.opsIn('new')).toEqual(['ra_y']);
    expect(reg.systemSteps()).toEqual([boot]);
    expect([reg.entries, reg.ops.map((o) => o.name)]).toEqual([[a, b, boot], ['ra_x', 'ra_y', 'ra_z']]);
  });

  it('refuses what would make dispatch ambiguous or incomplete, naming where', () => {
    const cases: [() => unknown, string][] = [
      [() => new Registry([], [op('rb_x'), op('rb_x')], 'the test'), 'the test: menu op "rb_x" is defined twice'],
      [() => new Registry([entry('rb_a'), entry('rb_a')], [], 'the test'), 'the test: entry point "rb_a" is defined twice'],
      [() => new Registry([entry('rb_a', [], { first: undefined })], []), 'the model: entry point rb_a has no first'],
      [() => new Registry([entry('rb_a', [], { effect: 3 as never })], []), 'the model: entry point rb_a has no effect'],
      [() => new Registry([entry('rb_a', [], { label: undefined })], []), 'the model: entry point rb_a has no label'],
      [() => new Registry([entry('rb_a', [], { kselftest: undefined })], []), 'the model: entry point rb_a has no kselftest'],
      [() => new Registry([entry('rb_a', [], { pcs: { RB1: [] } })], []), 'the model: entry point rb_a has program counters but no resume'],
      [() => new Registry([entry('rb_a', [['rb_x', 'old']])], [op('rb_y')]), 'the model: entry point rb_a serves menu op "rb_x", which no definition declares'],
      [() => new Registry([entry('rb_a', [['rb_x', 'new']])], [op('rb_x')]), 'the model: entry point rb_a serves rb_x in the new kernel, where the op is not accepted'],
      [() => new Registry([entry('rb_a', [], { pcs: { RB1: [] }, resume: () => [] }), entry('rb_b', [], { pcs: { RB1: [] }, resume: () => [] })], []), 'the model: program counter "RB1" of rb_b is already rb_a\'s'],
      [() => new Registry([entry('rb_a', [], { then: ['rb_b', 'rb_none'] }), entry('rb_b')], []), 'the model: entry point rb_a goes on into "rb_none", which is no entry point'],
    ];
    for (const [f, want] of cases) expect(refusal(f)).toBe(want);
    // an entry point without pcs needs no resume; one that goes on into a later entry point is fine
    expect(() => new Registry([entry('rb_a', [], { then: ['rb_b'] }), entry('rb_b')], [])).not.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { fromItf, parseTraceFile } from '../../explorer/traces/itf-read.js';
import { toItf } from '../../explorer/render/itf.js';
import { run } from './helpers.js';

describe('--format itf', () => {
  it('writes ADR-015 ITF with mbt::actionTaken, vars and per-step process', () => {
    const r = run('check', '--model', 'lostupdate', '--format', 'itf');
    expect(r.code).toBe(1);
    const t = JSON.parse(r.out);
    expect(t['#meta']).toMatchObject({ format: 'ITF', status: 'violation' });
    expect(t['#meta'].luocheck).toMatchObject({ model: 'lostupdate', scope: 'two', variant: { lock: 'off' }, invariant: 'no-lost-update' });
    expect(t.vars).toEqual(['x', 'pc', 'tmp', 'irqs', 'lock', 'mbt::actionTaken']);
    expect(t.states).toHaveLength(5);
    expect(t.states[0]).toMatchObject({ '#meta': { index: 0, process: 'init' }, 'mbt::actionTaken': 'init', x: 0 });
    for (const [i, s] of t.states.entries()) {
      expect(s['#meta'].index).toBe(i);
      expect(Object.keys(s).filter((k) => k !== '#meta').sort()).toEqual([...t.vars].sort());
    }
    expect(t.states[4]['#meta'].process).toMatch(/^T[12]$/);
    expect(r.out).toMatchSnapshot();
  });

  it('encodes integers beyond 2^53 as #bigint and null as None, and reads them back', () => {
    const v = { big: 2 ** 60, small: 7, none: null, list: [1, { deep: -(2 ** 55) }], s: 'x', b: true };
    const itf = toItf(v) as Record<string, unknown>;
    expect(itf['big']).toEqual({ '#bigint': '1152921504606846976' });
    expect(itf['small']).toBe(7);
    expect(itf['none']).toEqual({ tag: 'None', value: { '#tup': [] } });
    expect((itf['list'] as unknown[])[1]).toEqual({ deep: { '#bigint': '-36028797018963968' } });
    expect(fromItf(itf)).toEqual(v);
    expect(fromItf({ '#tup': [1, { '#bigint': '2' }] })).toEqual([1, 2]);
  });

  it('writes a trace with no states for a run without violation', () => {
    const t = JSON.parse(run('check', '--model', 'lostupdate', '--variant', 'fixed', '--format', 'itf').out);
    expect(t['#meta'].status).toBe('ok');
    expect(t.states).toEqual([]);
  });

  it('tells a JSON report from an ITF trace by shape, and rejects anything else', () => {
    const j = JSON.parse(run('check', '--model', 'lostupdate', '--format', 'json').out);
    const i = JSON.parse(run('check', '--model', 'lostupdate', '--format', 'itf').out);
    const a = parseTraceFile(j, undefined);
    const b = parseTraceFile(i, undefined);
    expect(b.steps.map((s) => [s.process, s.action])).toEqual(a.steps.map((s) => [s.process, s.action]));
    expect(b.steps.map((s) => s.state)).toEqual(a.steps.map((s) => s.state));
    expect(() => parseTraceFile({ foo: 1 }, undefined)).toThrow(/expected a JSON report \(with "violations"\) or an ITF trace \(with "states"\), got an object with "foo"/);
    expect(() => parseTraceFile({ ...i, '#meta': {} }, undefined)).toThrow(/malformed ITF: "#meta.luocheck"/);
    const noAction = structuredClone(i);
    delete noAction.states[2]['mbt::actionTaken'];
    expect(() => parseTraceFile(noAction, undefined)).toThrow(/malformed ITF: state 2 "mbt::actionTaken" = missing/);
  });
});

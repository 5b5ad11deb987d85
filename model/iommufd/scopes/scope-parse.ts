/**
 * parseScope: validates a JSON scope file for the iommufd model. The JSON has
 * the shape of IommufdScope (0-based indices; JSON.stringify of a named
 * scope parses back to it). Every error is a UsageError naming the field,
 * the bad value and what is accepted.
 */
import { UsageError, oneOf } from '../../../explorer/errors.js';
import { describe } from '../../../explorer/traces/scope-file.js';
import type { AreaInit, IommufdScope, PhaseSet, SealName } from './scopes.js';
import type { FileRef, Op } from '../state/types.js';
import { MAX_PAGES } from './scope-common.js';
import { match } from 'ts-pattern';
import type { Kernel, MenuOpSpec, OpField } from '../entry-point.js';
import { CORE } from '../entry/registry.js';
import type { Ext } from '../entry-point.js';

type Obj = Record<string, unknown>;
const SEALS: readonly SealName[] = ['SEAL', 'SHRINK', 'GROW', 'WRITE'];
function fail(path: string, v: unknown, expected: string): never {
  throw new UsageError(`scope: field "${path}" = ${describe(v)}; expected ${expected}`);
}

function obj(v: unknown, path: string, keys: readonly string[]): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, v, 'a JSON object');
  for (const k of Object.keys(v)) if (!keys.includes(k)) throw new UsageError(`scope: unknown field "${path ? `${path}.` : ''}${k}"; accepted: ${oneOf(keys)}`);
  return v as Obj;
}

function arr(v: unknown, path: string, max: number): unknown[] {
  if (!Array.isArray(v) || v.length > max) fail(path, v, `an array of at most ${max} entries`);
  return v;
}

function int(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(path, v, max < min ? 'nothing (no such object in this scope)' : `an integer from ${min} to ${max}`);
  return v;
}

function bool(v: unknown, path: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') fail(path, v, 'true or false');
  return v;
}

function fileRef(v: unknown, path: string, memfds: number, devices: number): FileRef {
  const o = obj(v, path, ['kind', 'memfd', 'dev']);
  if (o['kind'] === 'iommufd') return { kind: 'iommufd' };
  if (o['kind'] === 'memfd') return { kind: 'memfd', memfd: int(o['memfd'], `${path}.memfd`, 0, memfds - 1) };
  if (o['kind'] === 'cdev') return { kind: 'cdev', dev: int(o['dev'], `${path}.dev`, 0, devices - 1) };
  return fail(`${path}.kind`, o['kind'], oneOf(['memfd', 'iommufd', 'cdev']));
}

interface Bounds { iovas: number; memfds: number; ioas: number; hwpts: number; devices: number; slots: number }

/** The bounds of a numeric op field of `kind` (nk: in a new-kernel menu). */
function fieldBounds(f: OpField, n: Bounds, nk: boolean): [number, number] {
  return match(f.kind)
    .with('ioas', () => [0, n.ioas - 1] as [number, number])
    .with('memfd', () => [0, n.memfds - 1] as [number, number])
    .with('hwpt', () => [0, (nk ? n.hwpts + n.slots : n.hwpts) - 1] as [number, number])
    .with('slot', () => [n.hwpts, n.hwpts + n.slots - 1] as [number, number])
    .with('dev', () => [0, n.devices - 1] as [number, number])
    .with('iova', () => [0, n.iovas - 1] as [number, number])
    .with('page', () => [0, MAX_PAGES - 1] as [number, number])
    .with('token', () => [f.min ?? 1, f.max ?? 99] as [number, number])
    .with('int', () => [f.min ?? 0, f.max ?? 0] as [number, number])
    .with('bool', 'file', (k) => {
      throw new Error(`a ${k} field has no integer bounds`);
    })
    .exhaustive();
}

/** A menu op checked against its definition's fields (the model's entry points' or a --load extension's). */
function parseSpecOp(spec: MenuOpSpec, v: unknown, path: string, n: Bounds, nk: boolean): Op {
  const o = obj(v, path, ['op', ...Object.keys(spec.fields)]);
  const out: Record<string, unknown> = { op: spec.name };
  for (const [k, f] of Object.entries(spec.fields)) {
    if (f.kind === 'bool') {
      if (o[k] === undefined && !f.optional) fail(`${path}.${k}`, o[k], 'true or false');
      out[k] = bool(o[k], `${path}.${k}`);
    } else if (f.kind === 'file') {
      out[k] = fileRef(o[k], `${path}.${k}`, n.memfds, n.devices);
    } else {
      const [min, max] = fieldBounds(f, n, nk);
      out[k] = int(o[k], `${path}.${k}`, min, max);
    }
  }
  return out as unknown as Op;
}

/** Menu op `v` of a menu of `kernel`: an extension's op, or one of the model's entry points' (entry/registry.ts). */
function parseOp(v: unknown, path: string, n: Bounds, kernel: Kernel, ext?: Ext): Op {
  const kind = typeof v === 'object' && v !== null ? (v as Obj)['op'] : undefined;
  const nk = kernel === 'new';
  const x = typeof kind === 'string' ? ext?.reg.op(kind) : undefined;
  if (x && x.kernels.includes(kernel)) return parseSpecOp(x, v, path, n, nk);
  const accepted = CORE.opsIn(kernel);
  if (typeof kind !== 'string' || !accepted.includes(kind)) {
    const extNames = (ext?.reg.ops ?? []).filter((e) => e.kernels.includes(kernel)).map((e) => e.name);
    fail(`${path}.op`, kind, oneOf([...accepted, ...extNames]));
  }
  return parseSpecOp(CORE.op(kind)!, v, path, n, nk);
}

function parseArea(v: unknown, path: string, n: Bounds, pages: readonly number[]): AreaInit {
  const o = obj(v, path, ['iova', 'memfd', 'page']);
  const memfd = int(o['memfd'], `${path}.memfd`, 0, n.memfds - 1);
  return { iova: int(o['iova'], `${path}.iova`, 0, n.iovas - 1), memfd, page: int(o['page'], `${path}.page`, 0, pages[memfd]! - 1) };
}

const KEYS = ['phases', 'iovas', 'memfds', 'ioas', 'hwpts', 'restoreSlots', 'devices', 'session', 'threads', 'restore', 'restoreStages', 'failures'];
const PHASES: readonly PhaseSet[] = ['old-kernel', 'lifecycle'];

export function parseIommufdScope(json: unknown, ext?: Ext): IommufdScope {
  const o = obj(json, '', KEYS);
  const phases = (o['phases'] ?? 'old-kernel') as PhaseSet;
  if (!PHASES.includes(phases)) fail('phases', o['phases'], oneOf(PHASES));
  const iovas = int(o['iovas'], 'iovas', 1, 8);
  const memfds = arr(o['memfds'] ?? [], 'memfds', 3).map((m, i) => {
    const x = obj(m, `memfds[${i}]`, ['pages', 'seals']);
    const seals = arr(x['seals'] ?? [], `memfds[${i}].seals`, 4).map((s, j) => (SEALS.includes(s as SealName) ? (s as SealName) : fail(`memfds[${i}].seals[${j}]`, s, oneOf(SEALS))));
    return { pages: int(x['pages'], `memfds[${i}].pages`, 0, MAX_PAGES), seals };
  });
  const ioasRaw = arr(o['ioas'], 'ioas', 2);
  const hwptRaw = arr(o['hwpts'] ?? [], 'hwpts', 4);
  const devRaw = arr(o['devices'] ?? [], 'devices', 4);
  const slots = o['restoreSlots'] === undefined ? 0 : int(o['restoreSlots'], 'restoreSlots', 0, 3);
  const n: Bounds = { iovas, memfds: memfds.length, ioas: ioasRaw.length, hwpts: hwptRaw.length, devices: devRaw.length, slots };
  const ioas = ioasRaw.map((x, i) => ({ areas: arr(obj(x, `ioas[${i}]`, ['areas'])['areas'] ?? [], `ioas[${i}].areas`, iovas).map((a, j) => parseArea(a, `ioas[${i}].areas[${j}]`, n, memfds.map((m) => m.pages))) }));
  const hwpts = hwptRaw.map((x, i) => {
    const h = obj(x, `hwpts[${i}]`, ['ioas', 'token']);
    const io = int(h['ioas'], `hwpts[${i}].ioas`, 0, n.ioas - 1);
    return h['token'] === undefined ? { ioas: io } : { ioas: io, token: int(h['token'], `hwpts[${i}].token`, 1, 99) };
  });
  const devices = devRaw.map((x, i) => {
    const d = obj(x, `devices[${i}]`, ['group', 'hwpt', 'pasid']);
    const group = int(d['group'], `devices[${i}].group`, 0, 3);
    const pasid = bool(d['pasid'], `devices[${i}].pasid`);
    const base = d['hwpt'] === undefined ? { group } : { group, hwpt: int(d['hwpt'], `devices[${i}].hwpt`, 0, n.hwpts - 1) };
    return pasid ? { ...base, pasid } : base;
  });
  devices.forEach((d, i) => {
    const other = devices.find((e) => e.group === d.group && e.hwpt !== undefined);
    if (d.hwpt !== undefined && other && other.hwpt !== d.hwpt) fail(`devices[${i}].hwpt`, d.hwpt, `hwpt ${other.hwpt} (devices of one group share its domain)`);
  });
  const session = arr(o['session'] ?? [], 'session', 3).map((x, i) => {
    const f = obj(x, `session[${i}]`, ['file', 'token']);
    const file = fileRef(f['file'], `session[${i}].file`, n.memfds, n.devices);
    if (file.kind !== 'memfd') fail(`session[${i}].file.kind`, file.kind, 'memfd (only memfds can start preserved)');
    return { file, token: int(f['token'], `session[${i}].token`, 1, 99) };
  });
  const threads = arr(o['threads'], 'threads', 3).map((t, i) => arr(t, `threads[${i}]`, 8).map((op, j) => parseOp(op, `threads[${i}][${j}]`, n, 'old', ext)));
  if (threads.length === 0) fail('threads', o['threads'], 'at least one thread');
  const restoreRaw = o['restore'] === undefined ? [] : arr(o['restore'], 'restore', 3);
  if (phases === 'old-kernel' && restoreRaw.length > 0) fail('restore', o['restore'], 'no new-kernel menus with phases "old-kernel"');
  const restore = restoreRaw.map((t, i) => arr(t, `restore[${i}]`, 24).map((op, j) => parseOp(op, `restore[${i}][${j}]`, n, 'new', ext)));
  restore.forEach((m, i) => {
    if ((threads[i]?.length ?? 0) + m.length > 30) fail(`restore[${i}]`, m.length, `at most ${30 - (threads[i]?.length ?? 0)} ops (30 per thread across both kernels)`);
  });
  const stagesRaw = o['restoreStages'] === undefined ? undefined : arr(o['restoreStages'], 'restoreStages', restore.length);
  const restoreStages = stagesRaw?.map((t, i) => {
    const xs = arr(t, `restoreStages[${i}]`, restore[i]!.length);
    if (xs.length !== restore[i]!.length) fail(`restoreStages[${i}]`, t, `one stage per op of restore[${i}] (${restore[i]!.length})`);
    return xs.map((x, j) => int(x, `restoreStages[${i}][${j}]`, 0, 30));
  });
  const fo = obj(o['failures'] ?? {}, 'failures', ['domainPreserve', 'khoAlloc', 'lockObj', 'freeze']);
  const failures = {
    domainPreserve: bool(fo['domainPreserve'], 'failures.domainPreserve'),
    khoAlloc: bool(fo['khoAlloc'], 'failures.khoAlloc'),
    lockObj: bool(fo['lockObj'], 'failures.lockObj'),
    freeze: bool(fo['freeze'], 'failures.freeze'),
  };
  const base = { phases, iovas, memfds, ioas, hwpts, restoreSlots: slots, devices, session, threads, restore, failures };
  return restoreStages ? { ...base, restoreStages } : base;
}

/**
 * parseScope: validates a JSON scope file for the iommufd model. The JSON has
 * the shape of IommufdScope (0-based indices; JSON.stringify of a named
 * scope parses back to it). Every error is a UsageError naming the field,
 * the bad value and what is accepted.
 */
import { UsageError, oneOf } from '../../explorer/errors.js';
import { describe } from '../../explorer/scope-file.js';
import type { AreaInit, IommufdScope, PhaseSet, SealName } from './scopes.js';
import type { FileRef, Op } from './types.js';
import { MAX_PAGES } from './scope-common.js';
import { match } from 'ts-pattern';
import type { MenuOpSpec, OpField } from './entry-point.js';
import type { Ext } from './extension.js';

type Obj = Record<string, unknown>;
const SEALS: readonly SealName[] = ['SEAL', 'SHRINK', 'GROW', 'WRITE'];
type MenuOp = Exclude<Op['op'], 'kexec'>;
const OPS: readonly MenuOp[] = ['map_file', 'unmap', 'destroy', 'attach', 'replace', 'detach', 'mark_preserve', 'add_seals', 'ftruncate', 'fallocate', 'preserve_fd', 'close_session'];
/** Ops of the new kernel's menus (`restore`); map_file, replace, destroy and close_session are valid there too. */
const RESTORE_OPS: readonly MenuOp[] = ['retrieve_session', 'retrieve_fd', 'map_file', 'add_seals', 'ftruncate', 'fallocate', 'hwpt_alloc', 'replace', 'attach_ioas', 'lu_restore', 'destroy', 'bind_driver', 'finish', 'close_session'];
/** The model's own menu ops, by name (an extension may not redefine one). */
export const CORE_OPS: readonly string[] = [...new Set([...OPS, ...RESTORE_OPS])];
const OP_FIELDS: Readonly<Record<MenuOp, readonly string[]>> = {
  map_file: ['ioas', 'memfd', 'page', 'iova'],
  unmap: ['ioas', 'iova'],
  destroy: ['hwpt'],
  attach: ['dev', 'hwpt'],
  replace: ['dev', 'hwpt'],
  detach: ['dev'],
  mark_preserve: ['hwpt', 'token'],
  add_seals: ['memfd', 'seals'],
  ftruncate: ['memfd', 'size'],
  fallocate: ['memfd', 'page', 'punch'],
  preserve_fd: ['file', 'token'],
  close_session: [],
  retrieve_session: [],
  retrieve_fd: ['file'],
  hwpt_alloc: ['ioas', 'hwpt'],
  attach_ioas: ['dev', 'ioas', 'hwpt'],
  lu_restore: ['token', 'hwpt'],
  bind_driver: ['dev'],
  finish: [],
};

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

/** The bounds of an extension op's field of `kind` (nk: in a new-kernel menu). */
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
    .with('bool', () => [0, 1] as [number, number])
    .exhaustive();
}

/** A menu op a --load extension defines, checked against its declared fields. */
function parseExtOp(spec: MenuOpSpec, v: unknown, path: string, n: Bounds, nk: boolean): Op {
  const o = obj(v, path, ['op', ...Object.keys(spec.fields)]);
  const out: Record<string, unknown> = { op: spec.name };
  for (const [k, f] of Object.entries(spec.fields)) {
    if (f.kind === 'bool') {
      if (o[k] === undefined && !f.optional) fail(`${path}.${k}`, o[k], 'true or false');
      out[k] = bool(o[k], `${path}.${k}`);
    } else {
      const [min, max] = fieldBounds(f, n, nk);
      out[k] = int(o[k], `${path}.${k}`, min, max);
    }
  }
  return out as unknown as Op;
}

function parseOp(v: unknown, path: string, n: Bounds, ops: readonly MenuOp[] = OPS, ext?: Ext): Op {
  const kind = (typeof v === 'object' && v !== null ? (v as Obj)['op'] : undefined) as MenuOp;
  const nk = ops === RESTORE_OPS;
  const x = typeof kind === 'string' ? ext?.reg.op(kind) : undefined;
  if (x && x.kernels.includes(nk ? 'new' : 'old')) return parseExtOp(x, v, path, n, nk);
  const extNames = (ext?.reg.ops ?? []).filter((e) => e.kernels.includes(nk ? 'new' : 'old')).map((e) => e.name);
  if (!ops.includes(kind)) fail(`${path}.op`, kind, oneOf([...ops, ...extNames]));
  const o = obj(v, path, ['op', ...OP_FIELDS[kind]]);
  const f = (k: string, max: number, min = 0) => int(o[k], `${path}.${k}`, min, max);
  const hw = ops === RESTORE_OPS ? n.hwpts + n.slots - 1 : n.hwpts - 1;
  switch (kind) {
    case 'map_file': return { op: kind, ioas: f('ioas', n.ioas - 1), memfd: f('memfd', n.memfds - 1), page: f('page', MAX_PAGES - 1), iova: f('iova', n.iovas - 1) };
    case 'unmap': return { op: kind, ioas: f('ioas', n.ioas - 1), iova: f('iova', n.iovas - 1) };
    case 'destroy': return { op: kind, hwpt: f('hwpt', hw) };
    case 'attach': return { op: kind, dev: f('dev', n.devices - 1), hwpt: f('hwpt', n.hwpts - 1) };
    case 'replace': return { op: kind, dev: f('dev', n.devices - 1), hwpt: f('hwpt', hw) };
    case 'detach': return { op: kind, dev: f('dev', n.devices - 1) };
    case 'mark_preserve': return { op: kind, hwpt: f('hwpt', n.hwpts - 1), token: f('token', 99, 1) };
    case 'add_seals': return { op: kind, memfd: f('memfd', n.memfds - 1), seals: f('seals', 15, 1) };
    case 'ftruncate': return { op: kind, memfd: f('memfd', n.memfds - 1), size: f('size', MAX_PAGES) };
    case 'fallocate': return { op: kind, memfd: f('memfd', n.memfds - 1), page: f('page', MAX_PAGES - 1), punch: bool(o['punch'], `${path}.punch`) };
    case 'preserve_fd': return { op: kind, file: fileRef(o['file'], `${path}.file`, n.memfds, n.devices), token: f('token', 99, 1) };
    case 'close_session': return { op: kind };
    case 'retrieve_session': return { op: kind };
    case 'finish': return { op: kind };
    case 'retrieve_fd': return { op: kind, file: fileRef(o['file'], `${path}.file`, n.memfds, n.devices) };
    case 'hwpt_alloc': return { op: kind, ioas: f('ioas', n.ioas - 1), hwpt: f('hwpt', n.hwpts + n.slots - 1, n.hwpts) };
    case 'attach_ioas': return { op: kind, dev: f('dev', n.devices - 1), ioas: f('ioas', n.ioas - 1), hwpt: f('hwpt', n.hwpts + n.slots - 1, n.hwpts) };
    case 'lu_restore': return { op: kind, token: f('token', 99, 1), hwpt: f('hwpt', n.hwpts + n.slots - 1, n.hwpts) };
    case 'bind_driver': return { op: kind, dev: f('dev', n.devices - 1) };
  }
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
  const threads = arr(o['threads'], 'threads', 3).map((t, i) => arr(t, `threads[${i}]`, 8).map((op, j) => parseOp(op, `threads[${i}][${j}]`, n, OPS, ext)));
  if (threads.length === 0) fail('threads', o['threads'], 'at least one thread');
  const restoreRaw = o['restore'] === undefined ? [] : arr(o['restore'], 'restore', 3);
  if (phases === 'old-kernel' && restoreRaw.length > 0) fail('restore', o['restore'], 'no new-kernel menus with phases "old-kernel"');
  const restore = restoreRaw.map((t, i) => arr(t, `restore[${i}]`, 24).map((op, j) => parseOp(op, `restore[${i}][${j}]`, n, RESTORE_OPS, ext)));
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

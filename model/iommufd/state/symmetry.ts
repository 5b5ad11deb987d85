/**
 * Symmetry reduction (BuildOptions.symmetry): two devices are
 * interchangeable when each is alone in its iommu_group, they start alike
 * (same HWPT, same PASID entry) and swapping them (with their groups)
 * maps every thread's menu onto itself, op for op (the PRESERVE_FD tokens of
 * the two cdevs swap with them). The canonical encoding of
 * a state is the smaller of its own and its swapped image's, so a state
 * and its mirror image count once. One pair is reduced (the first found);
 * the ci scope has exactly one, deep none (its new kernel attaches dev2
 * alone to an IOAS).
 *
 * Sound because every transition is equivariant under the swap: threads
 * take menu ops in any order, reboot freezes by session position, and B3
 * probes the lowest device not probed yet.
 */
import { Encoder } from '../../../explorer/search/fingerprint.js';
import type { StateCodec } from './encode.js';
import { menus } from './process.js';
import type { IommufdScope } from '../scopes/scopes.js';
import { FILE_CDEV, type FileRef, type Op, type State } from './types.js';

export interface DeviceSwap {
  readonly a: number;
  readonly b: number;
  readonly ga: number;
  readonly gb: number;
  /** Per thread: the menu index each op maps to. */
  readonly perm: readonly (readonly number[])[];
  /** The session tokens of the two cdevs, which swap with them ([0, 0] when neither is preserved by a menu). */
  readonly tokens: readonly [number, number];
}

function swapToken(t: number, x: DeviceSwap): number {
  return t === x.tokens[0] ? x.tokens[1] : t === x.tokens[1] ? x.tokens[0] : t;
}

function swapDev(d: number, x: DeviceSwap): number {
  return d === x.a ? x.b : d === x.b ? x.a : d;
}

function swapFile(f: FileRef, x: DeviceSwap): FileRef {
  return f.kind === 'cdev' ? { kind: 'cdev', dev: swapDev(f.dev, x) } : f;
}

function swapOp(o: Op, x: DeviceSwap): Op {
  if ('dev' in o) return { ...o, dev: swapDev(o.dev, x) } as Op;
  if (o.op === 'preserve_fd') return { ...o, file: swapFile(o.file, x), token: swapToken(o.token, x) };
  if ('file' in o) return { ...o, file: swapFile(o.file, x) } as Op;
  return o;
}

/** The PRESERVE_FD tokens of cdevs a and b in the menus, if each is preserved exactly once and the tokens name nothing else. */
function cdevTokens(scope: IommufdScope, a: number, b: number): [number, number] | undefined {
  const all = menus(scope).ops.flat();
  const tok = (d: number) => all.filter((o) => o.op === 'preserve_fd' && o.file.kind === 'cdev' && o.file.dev === d).map((o) => (o as { token: number }).token);
  const [ta, tb] = [tok(a), tok(b)];
  if (ta.length === 0 && tb.length === 0) return [0, 0];
  if (ta.length !== 1 || tb.length !== 1) return undefined;
  const others = [
    ...scope.hwpts.map((h) => h.token), ...scope.session.map((f) => f.token),
    ...all.flatMap((o) => (o.op === 'mark_preserve' || o.op === 'lu_restore' || (o.op === 'preserve_fd' && o.file.kind !== 'cdev') ? [o.token] : [])),
  ];
  return others.includes(ta[0]!) || others.includes(tb[0]!) ? undefined : [ta[0]!, tb[0]!];
}

function permOf(menu: readonly Op[], x: DeviceSwap): number[] | undefined {
  const key = (o: Op) => JSON.stringify(o);
  const keys = menu.map(key);
  const perm = menu.map((o) => keys.indexOf(key(swapOp(o, x))));
  if (perm.some((p) => p < 0) || new Set(perm).size !== perm.length) return undefined;
  return perm;
}

/** The device swap under which the scope is symmetric, if any. */
export function findSwap(scope: IommufdScope): DeviceSwap | undefined {
  const devs = scope.devices;
  const alone = (i: number) => devs.filter((d) => d.group === devs[i]!.group).length === 1;
  for (let a = 0; a < devs.length; a++) {
    for (let b = a + 1; b < devs.length; b++) {
      const da = devs[a]!;
      const db = devs[b]!;
      if (!alone(a) || !alone(b) || da.hwpt !== db.hwpt || (da.pasid ?? false) !== (db.pasid ?? false)) continue;
      const tokens = cdevTokens(scope, a, b);
      if (!tokens) continue;
      const x0 = { a, b, ga: da.group, gb: db.group, perm: [], tokens };
      const perm = menus(scope).ops.map((m) => permOf(m, x0));
      if (perm.every((p) => p !== undefined)) return { ...x0, perm: perm as number[][] };
    }
  }
  return undefined;
}

function permMask(mask: number, perm: readonly number[]): number {
  let out = 0;
  for (let from = 0; from < perm.length; from++) if (mask & (1 << from)) out |= 1 << perm[from]!;
  return out;
}

/** The mirror image of `s` under the swap. */
export function swapState(s: State, x: DeviceSwap): State {
  const devices = s.devices.map((_, i) => ({ ...s.devices[swapDev(i, x)]!, group: s.devices[i]!.group }));
  const groups = s.groups.map((_, g) => s.groups[g === x.ga ? x.gb : g === x.gb ? x.ga : g]!);
  const ctx = s.ctx.map((_, i) => s.ctx[swapDev(i, x)]!);
  const cdevA = FILE_CDEV + x.a;
  const cdevB = FILE_CDEV + x.b;
  const files = s.session.files.map((f) => {
    const file = f.file === cdevA ? cdevB : f.file === cdevB ? cdevA : f.file;
    return file === f.file ? f : { file, token: swapToken(f.token, x) };
  });
  const threads = s.threads.map((t, pid) => {
    const perm = x.perm[pid]!;
    return { ...t, done: permMask(t.done, perm), op: t.op < 0 ? t.op : perm[t.op]! };
  });
  let probed = 0;
  for (let d = 0; d < s.devices.length; d++) if (s.probed & (1 << swapDev(d, x))) probed |= 1 << d;
  return { ...s, devices, groups, ctx, probed, session: { ...s.session, files }, threads };
}

/**
 * Writes the smaller of the encodings of `s` and of its mirror image. The
 * image's words are the state's with the swap applied to them (the words
 * swapState(s) encodes to, without building it): the devices' and groups'
 * words and the context entries trade places, the cdevs' session entries
 * their file ids and tokens, each thread's done mask and op in progress
 * follow its menu permutation, and so do the probed bits.
 */
export function encodeCanonical(s: State, x: DeviceSwap, codec: StateCodec, out: Encoder, a: Encoder, b: Encoder): void {
  a.reset();
  codec.encode(s, a);
  const at = codec.at;
  b.reset();
  for (let i = 0; i < a.len; i++) b.push(a.buf[i]!);
  const w = a.buf;
  const v = b.buf;
  const w0 = w[0]!;
  const probed = w0 >>> 20;
  let swapped = 0;
  for (let d = 0; d < s.devices.length; d++) if (probed & (1 << swapDev(d, x))) swapped |= 1 << d;
  v[0] = (w0 & 0xfffff) | (swapped << 20);
  v[at.devices + x.a] = w[at.devices + x.b]!;
  v[at.devices + x.b] = w[at.devices + x.a]!;
  v[at.groups + x.ga] = w[at.groups + x.gb]!;
  v[at.groups + x.gb] = w[at.groups + x.ga]!;
  v[at.ctx + x.a] = w[at.ctx + x.b]!;
  v[at.ctx + x.b] = w[at.ctx + x.a]!;
  const cdevA = FILE_CDEV + x.a;
  const cdevB = FILE_CDEV + x.b;
  const files = w[at.session + 1]!;
  for (let i = 0; i < files; i++) {
    const f = at.session + 2 + 2 * i;
    const file = w[f]!;
    if (file !== cdevA && file !== cdevB) continue;
    v[f] = file === cdevA ? cdevB : cdevA;
    v[f + 1] = swapToken(w[f + 1]!, x);
  }
  for (let pid = 0; pid < s.threads.length; pid++) {
    const perm = x.perm[pid]!;
    const t = at.threads + 4 * pid;
    v[t] = permMask(w[t]!, perm);
    const op = (w[t + 1]! & 0xff) - 1;
    if (op >= 0) v[t + 1] = (w[t + 1]! & ~0xff) | (perm[op]! + 1);
  }
  let pick = a;
  for (let i = 0; i < a.len; i++) {
    if (w[i] !== v[i]) {
      if (v[i]! < w[i]!) pick = b;
      break;
    }
  }
  for (let i = 0; i < pick.len; i++) out.push(pick.buf[i]!);
}

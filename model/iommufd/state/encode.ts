/**
 * The canonical encoding of a state and its inverse: integers only, fields
 * in a fixed order, variable-length lists length-prefixed. What never
 * changes (the number of memfds, IOAS, HWPT slots, devices and threads,
 * IOVA slots, each device's group) comes from the scope, so decode needs
 * the scope and nothing else. Symmetry reduction (symmetry.ts) encodes a
 * state and its image under a device swap and keeps the smaller.
 *
 * The search encodes every successor and decodes every state it takes
 * from the frontier, so the model does both through a StateCodec: per
 * object (each memfd, IOAS, HWPT, device, group, thread, the session, the
 * blob, the incoming records) it remembers the object it last decoded
 * there, with its words. A successor shares every object its step did not
 * change with the state it came from, so encoding it copies those
 * objects' words instead of recomputing them; a state taken from the
 * frontier is usually a sibling of the one before it, so decoding it
 * reuses that state's objects wherever the words are equal instead of
 * building them again. States are immutable (steps copy what they change;
 * loaded code gets a read-only view or a deep copy), so an object is its
 * words for as long as it lives.
 */
import type { Encoder } from '../../../explorer/search/fingerprint.js';
import type { IommufdScope } from '../scopes/scopes.js';
import { ALL_PCS, menus } from './process.js';
import { cacheLengths } from './init.js';
import {
  PCS,
  type BlobSlot,
  type Device,
  type HwptPaging,
  type Incoming,
  type Ioas,
  type IommuGroup,
  type IommufdSer,
  type IoptArea,
  type LuoFile,
  type Memfd,
  type Pc,
  type Phase,
  type Session,
  type State,
  type VmmThread,
} from './types.js';

const PC_INDEX: Readonly<Record<Pc, number>> = Object.fromEntries(PCS.map((p, i) => [p, i])) as Record<Pc, number>;

const b = (x: boolean): number => (x ? 1 : 0);
const bit = (w: number, i: number): boolean => ((w >>> i) & 1) === 1;
const field = (w: number, shift: number, width: number): number => (w >>> shift) & ((1 << width) - 1);

// The words of each object, in the order StateCodec.encode writes them. Each
// writes at w[at..] and returns where it stopped; the caller has made room
// (wordsOf). Writing through a local index, not a push per word, is most of
// what encoding a successor costs.

function writeMemfd(m: Memfd, w: Int32Array, at: number): number {
  w[at] = m.seals | (b(m.frozen) << 8) | (b(m.preserved) << 9) | (b(m.retrieved) << 10) | (m.size << 11) | (m.kho << 16);
  let c = 0;
  for (let i = 0; i < m.cache.length; i++) c |= (m.cache[i]! + 1) << (4 * i);
  w[at + 1] = c;
  return at + 2;
}

function writeIoas(io: Ioas, w: Int32Array, at: number): number {
  w[at++] = io.immutable;
  w[at++] = io.areas.length;
  for (const a of io.areas) w[at++] = a.iova | (a.memfd << 8) | (a.page << 12) | (a.seals << 16) | (b(a.pages) << 24) | ((a.pfn + 1) << 25);
  return at;
}

function writeHwpt(h: HwptPaging, w: Int32Array, at: number): number {
  const d = h.domain;
  w[at++] = b(h.alive) | (b(h.marked) << 1) | (b(h.preserved) << 2) | (b(d.preservedState) << 3) | (d.restored << 4) | (h.users << 8) | ((h.restored + 1) << 16) | ((h.ioas + 1) << 24);
  w[at++] = h.token;
  w[at++] = d.tables | (d.kho << 12);
  for (const pfn of d.leaves) w[at++] = pfn + 1;
  return at;
}

function writeDevice(d: Device, w: Int32Array, at: number): number {
  w[at] = (d.hwpt + 1) | (b(d.preserved) << 8) | (b(d.busMaster) << 9) | (b(d.bound) << 10) | (b(d.pasid) << 11) | ((d.atFreeze + 2) << 12);
  return at + 1;
}

function writeGroup(g: IommuGroup, w: Int32Array, at: number): number {
  w[at] = (g.domain + 4) | (b(g.owned) << 8) | ((g.hwpt + 1) << 9) | (b(g.byToken) << 16);
  return at + 1;
}

function writeSession(x: Session, w: Int32Array, at: number): number {
  w[at++] = b(x.open);
  w[at++] = x.files.length;
  for (const f of x.files) {
    w[at++] = f.file;
    w[at++] = f.token;
  }
  return at;
}

function writeBlob(x: IommufdSer, w: Int32Array, at: number): number {
  w[at++] = b(x.allocated) | (b(x.overflow) << 1) | (x.nr << 2) | (x.reclaimed << 8);
  for (const y of x.slots) {
    w[at++] = y.token;
    w[at++] = y.domain;
  }
  return at;
}

function writeIncoming(nk: Incoming, w: Int32Array, at: number): number {
  w[at] = b(nk.retrieved) | (b(nk.finished) << 1) | (b(nk.cancelled) << 2) | (b(nk.flb) << 3) | (nk.bug << 4) | (nk.files << 8);
  return at + 1;
}

function writeThread(t: VmmThread, w: Int32Array, at: number): number {
  w[at] = t.done;
  w[at + 1] = (t.op + 1) | ((PC_INDEX[t.pc] ?? ALL_PCS.indexOf(t.pc)) << 8) | (b(t.made) << 16);
  w[at + 2] = (t.nr << 16) | ((t.slot + 1) << 8) | (t.cur + 1);
  w[at + 3] = t.held | (t.seals << 8) | (t.rc << 16);
  return at + 4;
}

function writeHead(s: State, w: Int32Array, at: number): number {
  w[at] = s.phase | (s.oops << 4) | (s.frozen << 8) | (s.boot << 16) | (s.probed << 20);
  return at + 1;
}

/** How many words StateCodec.encode writes for `s`. */
function wordsOf(s: State): number {
  let n = 2 + 2 * s.memfds.length + s.devices.length + s.groups.length + s.ctx.length + 4 * s.threads.length;
  for (const io of s.ioas) n += 2 + io.areas.length;
  for (const h of s.hwpts) n += 3 + h.domain.leaves.length;
  return n + 2 + 2 * s.session.files.length + 1 + 2 * s.blob.slots.length;
}

// Each object from its words at `at` (`n` words). Every object is built
// with its fields in the declared order (state-schema.ts), as the model
// settles every successor (shape.ts), so all objects of a kind share one
// hidden class and the property reads of actions and invariants stay
// monomorphic.

function decodeMemfd(w: Int32Array, at: number, len: number): Memfd {
  const x = w[at]!;
  const c = w[at + 1]!;
  const cache: number[] = [];
  for (let i = 0; i < len; i++) cache.push(field(c, 4 * i, 4) - 1);
  return { seals: field(x, 0, 8), size: field(x, 11, 4), cache, kho: field(x, 16, 8), frozen: bit(x, 8), preserved: bit(x, 9), retrieved: bit(x, 10) };
}

function decodeIoas(w: Int32Array, at: number): Ioas {
  const immutable = w[at]!;
  const n = w[at + 1]!;
  const areas: IoptArea[] = [];
  for (let i = 0; i < n; i++) {
    const x = w[at + 2 + i]!;
    areas.push({ iova: field(x, 0, 8), memfd: field(x, 8, 4), page: field(x, 12, 4), seals: field(x, 16, 8), pfn: field(x, 25, 7) - 1, pages: bit(x, 24) });
  }
  return { areas, immutable };
}

function decodeHwpt(w: Int32Array, at: number, iovas: number): HwptPaging {
  const x = w[at]!;
  const token = w[at + 1]!;
  const t = w[at + 2]!;
  const leaves: number[] = [];
  for (let i = 0; i < iovas; i++) leaves.push(w[at + 3 + i]! - 1);
  return {
    alive: bit(x, 0), ioas: field(x, 24, 8) - 1, marked: bit(x, 1), token, preserved: bit(x, 2), users: field(x, 8, 8),
    domain: { leaves, tables: field(t, 0, 12), kho: field(t, 12, 12), preservedState: bit(x, 3), restored: field(x, 4, 4) },
    restored: field(x, 16, 8) - 1,
  };
}

function decodeDevice(w: Int32Array, at: number, group: number): Device {
  const x = w[at]!;
  return { group, hwpt: field(x, 0, 8) - 1, preserved: bit(x, 8), busMaster: bit(x, 9), bound: bit(x, 10), atFreeze: (x >>> 12) - 2, pasid: bit(x, 11) };
}

function decodeGroup(w: Int32Array, at: number): IommuGroup {
  const x = w[at]!;
  return { domain: field(x, 0, 8) - 4, owned: bit(x, 8), hwpt: field(x, 9, 7) - 1, byToken: bit(x, 16) };
}

function decodeSession(w: Int32Array, at: number): Session {
  const files: LuoFile[] = [];
  const n = w[at + 1]!;
  for (let i = 0; i < n; i++) files.push({ file: w[at + 2 + 2 * i]!, token: w[at + 3 + 2 * i]! });
  return { open: w[at] === 1, files };
}

function decodeBlob(w: Int32Array, at: number): IommufdSer {
  const x = w[at]!;
  const nr = field(x, 2, 6);
  const slots: BlobSlot[] = [];
  const n = bit(x, 0) ? nr : 0;
  for (let i = 0; i < n; i++) slots.push({ token: w[at + 1 + 2 * i]!, domain: w[at + 2 + 2 * i]! });
  return { allocated: bit(x, 0), nr, slots, overflow: bit(x, 1), reclaimed: x >>> 8 };
}

function decodeIncoming(w: Int32Array, at: number): Incoming {
  const x = w[at]!;
  return { retrieved: bit(x, 0), files: x >>> 8, finished: bit(x, 1), cancelled: bit(x, 2), flb: bit(x, 3), bug: field(x, 4, 4) };
}

function decodeThread(w: Int32Array, at: number): VmmThread {
  const w1 = w[at + 1]!;
  const w2 = w[at + 2]!;
  const w3 = w[at + 3]!;
  return {
    done: w[at]!, op: field(w1, 0, 8) - 1, pc: ALL_PCS[field(w1, 8, 8)]! as Pc,
    nr: w2 >>> 16, slot: field(w2, 8, 8) - 1, cur: field(w2, 0, 8) - 1, made: bit(w1, 16),
    held: field(w3, 0, 8), seals: field(w3, 8, 8), rc: w3 >>> 16,
  };
}

/** The words of a session and of a blob at `at` (they are length-prefixed). */
const sessionWords = (w: Int32Array, at: number): number => 2 + 2 * w[at + 1]!;
const blobWords = (w: Int32Array, at: number): number => 1 + 2 * (bit(w[at]!, 0) ? field(w[at]!, 2, 6) : 0);
const ioasWords = (w: Int32Array, at: number): number => 2 + w[at + 1]!;

/**
 * One object position (memfd 0, HWPT 3, the session, ...): the object last
 * decoded there (in the state being expanded, whose successors share it)
 * and its words. Only objects decode built are kept: all of one kind then
 * share one hidden class (a step's copies have others), so the reads of the
 * guards and the state invariants on a decoded state stay monomorphic.
 */
class Slot<T> {
  private obj: T | undefined = undefined;
  private words: Int32Array;
  private len = 0;

  constructor(max: number) {
    this.words = new Int32Array(max);
  }

  /** Copies the words of `x` to w[at..] if it is the object decoded here and returns where they end; -1 if they must be computed. */
  put(x: T, w: Int32Array, at: number): number {
    if (x !== this.obj) return -1;
    const mine = this.words;
    const n = this.len;
    for (let i = 0; i < n; i++) w[at + i] = mine[i]!;
    return at + n;
  }

  /** The object decoded here if its words are w[at .. at+n). */
  find(w: Int32Array, at: number, n: number): T | undefined {
    return this.obj !== undefined && n === this.len && same(this.words, w, at, n) ? this.obj : undefined;
  }

  /** Remembers `x` as decoded from w[at .. at+n). */
  decoded(x: T, w: Int32Array, at: number, n: number): T {
    if (n > this.words.length) this.words = new Int32Array(n);
    for (let i = 0; i < n; i++) this.words[i] = w[at + i]!;
    this.len = n;
    this.obj = x;
    return x;
  }
}

function same(mine: Int32Array, w: Int32Array, at: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (mine[i] !== w[at + i]) return false;
  return true;
}

/**
 * A list of objects the codec decodes: its slots, the list it decoded last
 * (returned again when every object is the same) and a scratch array.
 */
class ListMemo<T> {
  readonly slots: Slot<T>[];
  private last: readonly T[] = [];
  private readonly scratch: T[];

  constructor(n: number, max: number) {
    this.slots = Array.from({ length: n }, () => new Slot<T>(max));
    this.scratch = new Array<T>(n);
  }

  /** Sets element i of the list being decoded. */
  set(i: number, x: T): void {
    this.scratch[i] = x;
  }

  /** The list decoded: the last one if every element is the same object, else a fresh copy. */
  done(): readonly T[] {
    const n = this.scratch.length;
    let reuse = this.last.length === n;
    for (let i = 0; reuse && i < n; i++) reuse = this.last[i] === this.scratch[i];
    if (!reuse) this.last = this.scratch.slice();
    return this.last;
  }
}

/** The encoding of the states of one scope and its inverse, remembering per object what it last encoded and decoded (see the top of this file). */
export class StateCodec {
  private readonly iovas: number;
  private readonly cacheLens: readonly number[];
  private readonly deviceGroups: readonly number[];
  private readonly memfds: ListMemo<Memfd>;
  private readonly ioas: ListMemo<Ioas>;
  private readonly hwpts: ListMemo<HwptPaging>;
  private readonly devices: ListMemo<Device>;
  private readonly groups: ListMemo<IommuGroup>;
  private readonly threads: ListMemo<VmmThread>;
  private readonly session = new Slot<Session>(18);
  private readonly blob = new Slot<IommufdSer>(9);
  private readonly nk = new Slot<Incoming>(1);
  private lastCtx: readonly number[] = [];
  /** Where the last encode wrote the devices, groups, context entries, session and threads (symmetry.ts swaps them in place). */
  readonly at = { devices: 0, groups: 0, ctx: 0, session: 0, threads: 0 };

  constructor(scope: IommufdScope) {
    this.iovas = scope.iovas;
    this.cacheLens = cacheLengths(scope);
    this.deviceGroups = scope.devices.map((d) => d.group);
    const nGroups = scope.devices.reduce((m, d) => Math.max(m, d.group + 1), 0);
    this.memfds = new ListMemo(scope.memfds.length, 2);
    this.ioas = new ListMemo(scope.ioas.length, 10);
    this.hwpts = new ListMemo(scope.hwpts.length + scope.restoreSlots, 3 + scope.iovas);
    this.devices = new ListMemo(scope.devices.length, 1);
    this.groups = new ListMemo(nGroups, 1);
    this.threads = new ListMemo(menus(scope).ops.length, 4);
  }

  /** Writes the words of `s` to `out`, copying those of every object decoded last. */
  encode(s: State, out: Encoder): void {
    out.reserve(wordsOf(s));
    const w = out.buf;
    let at = writeHead(s, w, out.len);
    let to = this.nk.put(s.nk, w, at);
    at = to >= 0 ? to : writeIncoming(s.nk, w, at);
    const ms = this.memfds.slots;
    for (let i = 0; i < s.memfds.length; i++) {
      const m = s.memfds[i]!;
      to = ms[i]!.put(m, w, at);
      at = to >= 0 ? to : writeMemfd(m, w, at);
    }
    const is = this.ioas.slots;
    for (let i = 0; i < s.ioas.length; i++) {
      const io = s.ioas[i]!;
      to = is[i]!.put(io, w, at);
      at = to >= 0 ? to : writeIoas(io, w, at);
    }
    const hs = this.hwpts.slots;
    for (let i = 0; i < s.hwpts.length; i++) {
      const h = s.hwpts[i]!;
      to = hs[i]!.put(h, w, at);
      at = to >= 0 ? to : writeHwpt(h, w, at);
    }
    const where = this.at;
    where.devices = at;
    for (let i = 0; i < s.devices.length; i++) at = writeDevice(s.devices[i]!, w, at);
    where.groups = at;
    for (let i = 0; i < s.groups.length; i++) at = writeGroup(s.groups[i]!, w, at);
    where.ctx = at;
    for (let i = 0; i < s.ctx.length; i++) w[at++] = s.ctx[i]! + 3;
    where.session = at;
    to = this.session.put(s.session, w, at);
    at = to >= 0 ? to : writeSession(s.session, w, at);
    to = this.blob.put(s.blob, w, at);
    at = to >= 0 ? to : writeBlob(s.blob, w, at);
    where.threads = at;
    const ts = this.threads.slots;
    for (let i = 0; i < s.threads.length; i++) {
      const t = s.threads[i]!;
      to = ts[i]!.put(t, w, at);
      at = to >= 0 ? to : writeThread(t, w, at);
    }
    out.len = at;
  }

  /** The state whose words are `w`, reusing the objects decoded last whose words are equal. */
  decode(w: Int32Array): State {
    const w0 = w[0]!;
    let at = 1;
    const nk = this.nk.find(w, at, 1) ?? this.nk.decoded(decodeIncoming(w, at), w, at, 1);
    at += 1;
    const ms = this.memfds.slots;
    for (let i = 0; i < ms.length; i++) {
      const slot = ms[i]!;
      this.memfds.set(i, slot.find(w, at, 2) ?? slot.decoded(decodeMemfd(w, at, this.cacheLens[i]!), w, at, 2));
      at += 2;
    }
    const is = this.ioas.slots;
    for (let i = 0; i < is.length; i++) {
      const slot = is[i]!;
      const n = ioasWords(w, at);
      this.ioas.set(i, slot.find(w, at, n) ?? slot.decoded(decodeIoas(w, at), w, at, n));
      at += n;
    }
    const hs = this.hwpts.slots;
    const hn = 3 + this.iovas;
    for (let i = 0; i < hs.length; i++) {
      const slot = hs[i]!;
      this.hwpts.set(i, slot.find(w, at, hn) ?? slot.decoded(decodeHwpt(w, at, this.iovas), w, at, hn));
      at += hn;
    }
    const ds = this.devices.slots;
    for (let i = 0; i < ds.length; i++) {
      const slot = ds[i]!;
      this.devices.set(i, slot.find(w, at, 1) ?? slot.decoded(decodeDevice(w, at, this.deviceGroups[i]!), w, at, 1));
      at += 1;
    }
    const gs = this.groups.slots;
    for (let i = 0; i < gs.length; i++) {
      const slot = gs[i]!;
      this.groups.set(i, slot.find(w, at, 1) ?? slot.decoded(decodeGroup(w, at), w, at, 1));
      at += 1;
    }
    const nd = ds.length;
    let ctx = this.lastCtx;
    let sameCtx = ctx.length === nd;
    for (let i = 0; sameCtx && i < nd; i++) sameCtx = ctx[i] === w[at + i]! - 3;
    if (!sameCtx) {
      const c: number[] = [];
      for (let i = 0; i < nd; i++) c.push(w[at + i]! - 3);
      ctx = this.lastCtx = c;
    }
    at += nd;
    const sn = sessionWords(w, at);
    const session = this.session.find(w, at, sn) ?? this.session.decoded(decodeSession(w, at), w, at, sn);
    at += sn;
    const bn = blobWords(w, at);
    const blob = this.blob.find(w, at, bn) ?? this.blob.decoded(decodeBlob(w, at), w, at, bn);
    at += bn;
    const ts = this.threads.slots;
    for (let i = 0; i < ts.length; i++) {
      const slot = ts[i]!;
      this.threads.set(i, slot.find(w, at, 4) ?? slot.decoded(decodeThread(w, at), w, at, 4));
      at += 4;
    }
    return {
      phase: field(w0, 0, 4) as Phase, frozen: field(w0, 8, 8), boot: field(w0, 16, 4), probed: w0 >>> 20, oops: field(w0, 4, 4),
      memfds: this.memfds.done(), ioas: this.ioas.done(), hwpts: this.hwpts.done(), devices: this.devices.done(), groups: this.groups.done(), ctx,
      session, blob, nk,
      threads: this.threads.done(),
    };
  }
}

export type { Encoder };

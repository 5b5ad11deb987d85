/**
 * The canonical encoding of a state and its inverse: integers only, fields
 * in a fixed order, variable-length lists length-prefixed. What never
 * changes (the number of memfds, IOAS, HWPT slots, devices and threads,
 * IOVA slots, each device's group) comes from the scope, so decode needs
 * the scope and nothing else. Symmetry reduction (symmetry.ts) encodes a
 * state and its image under a device swap and keeps the smaller.
 */
import type { Encoder } from '../../../explorer/search/fingerprint.js';
import type { IommufdScope } from '../scopes/scopes.js';
import { ALL_PCS, menus } from './process.js';
import { cacheLengths } from './init.js';
import {
  PCS,
  type Device,
  type HwptPaging,
  type Ioas,
  type IoptArea,
  type Memfd,
  type Pc,
  type Phase,
  type State,
  type VmmThread,
} from './types.js';

const PC_INDEX: Readonly<Record<Pc, number>> = Object.fromEntries(PCS.map((p, i) => [p, i])) as Record<Pc, number>;

const b = (x: boolean): number => (x ? 1 : 0);
const bit = (w: number, i: number): boolean => ((w >>> i) & 1) === 1;
const field = (w: number, shift: number, width: number): number => (w >>> shift) & ((1 << width) - 1);

/** The sink encodeState writes to: an Encoder, or a plain array (symmetry.ts). */
export interface Sink {
  push(v: number): void;
}

export function encodeState(s: State, out: Sink): void {
  const nk = s.nk;
  out.push(s.phase | (s.oops << 4) | (s.frozen << 8) | (s.boot << 16) | (s.probed << 20));
  out.push(b(nk.retrieved) | (b(nk.finished) << 1) | (b(nk.cancelled) << 2) | (b(nk.flb) << 3) | (nk.bug << 4) | (nk.files << 8));
  for (const m of s.memfds) {
    out.push(m.seals | (b(m.frozen) << 8) | (b(m.preserved) << 9) | (b(m.retrieved) << 10) | (m.size << 11) | (m.kho << 16));
    let c = 0;
    for (let i = 0; i < m.cache.length; i++) c |= (m.cache[i]! + 1) << (4 * i);
    out.push(c);
  }
  for (const io of s.ioas) {
    out.push(io.immutable);
    out.push(io.areas.length);
    for (const a of io.areas) out.push(a.iova | (a.memfd << 8) | (a.page << 12) | (a.seals << 16) | (b(a.pages) << 24) | ((a.pfn + 1) << 25));
  }
  for (const h of s.hwpts) {
    const d = h.domain;
    out.push(b(h.alive) | (b(h.marked) << 1) | (b(h.preserved) << 2) | (b(d.preservedState) << 3) | (d.restored << 4) | (h.users << 8) | ((h.restored + 1) << 16) | ((h.ioas + 1) << 24));
    out.push(h.token);
    out.push(d.tables | (d.kho << 12));
    for (const pfn of d.leaves) out.push(pfn + 1);
  }
  for (const d of s.devices) out.push((d.hwpt + 1) | (b(d.preserved) << 8) | (b(d.busMaster) << 9) | (b(d.bound) << 10) | (b(d.pasid) << 11) | ((d.atFreeze + 2) << 12));
  for (const g of s.groups) out.push((g.domain + 4) | (b(g.owned) << 8) | ((g.hwpt + 1) << 9) | (b(g.byToken) << 16));
  for (const c of s.ctx) out.push(c + 3);
  out.push(b(s.session.open));
  out.push(s.session.files.length);
  for (const f of s.session.files) {
    out.push(f.file);
    out.push(f.token);
  }
  out.push(b(s.blob.allocated) | (b(s.blob.overflow) << 1) | (s.blob.nr << 2) | (s.blob.reclaimed << 8));
  for (const x of s.blob.slots) {
    out.push(x.token);
    out.push(x.domain);
  }
  for (const t of s.threads) {
    out.push(t.done);
    out.push((t.op + 1) | ((PC_INDEX[t.pc] ?? ALL_PCS.indexOf(t.pc)) << 8) | (b(t.made) << 16));
    out.push((t.nr << 16) | ((t.slot + 1) << 8) | (t.cur + 1));
    out.push(t.held | (t.seals << 8) | (t.rc << 16));
  }
}

/** Reads words in order. */
class Reader {
  private i = 0;
  constructor(private readonly w: Int32Array) {}
  next(): number {
    return this.w[this.i++]!;
  }
}

function decodeHwpt(r: Reader, iovas: number): HwptPaging {
  const w = r.next();
  const token = r.next();
  const t = r.next();
  const leaves: number[] = [];
  for (let i = 0; i < iovas; i++) leaves.push(r.next() - 1);
  return {
    alive: bit(w, 0), marked: bit(w, 1), preserved: bit(w, 2), users: field(w, 8, 8), restored: field(w, 16, 8) - 1, ioas: field(w, 24, 8) - 1, token,
    domain: { leaves, tables: field(t, 0, 12), kho: field(t, 12, 12), preservedState: bit(w, 3), restored: field(w, 4, 4) },
  };
}

function decodeThread(r: Reader): VmmThread {
  const done = r.next();
  const w1 = r.next();
  const w2 = r.next();
  const w3 = r.next();
  return {
    done, op: field(w1, 0, 8) - 1, pc: ALL_PCS[field(w1, 8, 8)]! as Pc, made: bit(w1, 16),
    nr: w2 >>> 16, slot: field(w2, 8, 8) - 1, cur: field(w2, 0, 8) - 1,
    held: field(w3, 0, 8), seals: field(w3, 8, 8), rc: w3 >>> 16,
  };
}

/** The inverse of encodeState for a state of `scope`. */
export function decodeState(scope: IommufdScope, words: Int32Array): State {
  const r = new Reader(words);
  const w0 = r.next();
  const w1 = r.next();
  const lens = cacheLengths(scope);
  const memfds: Memfd[] = scope.memfds.map((_, m) => {
    const w = r.next();
    const c = r.next();
    const cache = Array.from({ length: lens[m]! }, (_, i) => field(c, 4 * i, 4) - 1);
    return { seals: field(w, 0, 8), frozen: bit(w, 8), preserved: bit(w, 9), retrieved: bit(w, 10), size: field(w, 11, 4), kho: field(w, 16, 8), cache };
  });
  const ioas: Ioas[] = scope.ioas.map(() => {
    const immutable = r.next();
    const n = r.next();
    const areas: IoptArea[] = [];
    for (let i = 0; i < n; i++) {
      const w = r.next();
      areas.push({ iova: field(w, 0, 8), memfd: field(w, 8, 4), page: field(w, 12, 4), seals: field(w, 16, 8), pages: bit(w, 24), pfn: field(w, 25, 7) - 1 });
    }
    return { immutable, areas };
  });
  const hwpts = Array.from({ length: scope.hwpts.length + scope.restoreSlots }, () => decodeHwpt(r, scope.iovas));
  const devices: Device[] = scope.devices.map((sd) => {
    const w = r.next();
    return { group: sd.group, hwpt: field(w, 0, 8) - 1, preserved: bit(w, 8), busMaster: bit(w, 9), bound: bit(w, 10), pasid: bit(w, 11), atFreeze: (w >>> 12) - 2 };
  });
  const nGroups = scope.devices.reduce((m, d) => Math.max(m, d.group + 1), 0);
  const groups = Array.from({ length: nGroups }, () => {
    const w = r.next();
    return { domain: field(w, 0, 8) - 4, owned: bit(w, 8), hwpt: field(w, 9, 7) - 1, byToken: bit(w, 16) };
  });
  const ctx = scope.devices.map(() => r.next() - 3);
  const open = r.next() === 1;
  const nFiles = r.next();
  const files = Array.from({ length: nFiles }, () => ({ file: r.next(), token: r.next() }));
  const wb = r.next();
  const nr = field(wb, 2, 6);
  const slots = Array.from({ length: bit(wb, 0) ? nr : 0 }, () => ({ token: r.next(), domain: r.next() }));
  const threads = menus(scope).ops.map(() => decodeThread(r));
  return {
    phase: field(w0, 0, 4) as Phase, oops: field(w0, 4, 4), frozen: field(w0, 8, 8), boot: field(w0, 16, 4), probed: w0 >>> 20,
    memfds, ioas, hwpts, devices, groups, ctx,
    session: { open, files },
    blob: { allocated: bit(wb, 0), overflow: bit(wb, 1), nr, slots, reclaimed: wb >>> 8 },
    nk: { retrieved: bit(w1, 0), finished: bit(w1, 1), cancelled: bit(w1, 2), flb: bit(w1, 3), bug: field(w1, 4, 4), files: w1 >>> 8 },
    threads,
  };
}

export type { Encoder };

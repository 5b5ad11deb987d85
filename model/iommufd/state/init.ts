/**
 * The initial state of a scope: the objects userspace built before the
 * explored window (memfds, IOAS areas mapped and filled into every HWPT's
 * domain, marks, attachments, files already preserved), all threads idle.
 */
import { domainMap, emptyDomain } from '../kernel/hw_pagetable.js';
import { NO_BLOB } from '../kernel/kho.js';
import { fileId } from './types.js';
import { pfnOf } from '../kernel/pages.js';
import { initialCache } from '../kernel/memfd.js';
import { IDLE, menus } from './process.js';
import { ctxFor } from '../kernel/context_entry.js';
import type { IommufdScope, SealName } from '../scopes/scopes.js';
import {
  BLOCKING_DOMAIN,
  NO_BUG,
  PHASE_OLD,
  SEAL_NAMES,
  type Device,
  type Domain,
  type HwptPaging,
  type IommuGroup,
  type State,
} from './types.js';

export function sealMask(names: readonly SealName[]): number {
  let m = 0;
  for (const [n, v] of SEAL_NAMES) if (names.includes(n as SealName)) m |= v;
  return m;
}

function initialDomain(scope: IommufdScope, ioas: number): Domain {
  let d = emptyDomain(scope.iovas);
  for (const a of scope.ioas[ioas]!.areas) d = domainMap(d, a.iova, pfnOf(a.memfd, a.page));
  return d;
}

function initialGroups(scope: IommufdScope): IommuGroup[] {
  const n = scope.devices.reduce((m, d) => Math.max(m, d.group + 1), 0);
  const groups: IommuGroup[] = Array.from({ length: n }, () => ({ domain: BLOCKING_DOMAIN, owned: true, hwpt: -1, byToken: false }));
  for (const d of scope.devices) {
    if (d.hwpt !== undefined) groups[d.group] = { domain: d.hwpt, owned: true, hwpt: d.hwpt, byToken: false };
  }
  return groups;
}

/**
 * Per memfd, the page indices its page cache has room for: its initial
 * size, or more where a menu op grows it (the encoding packs the cache in
 * one word, scope-common.ts MAX_PAGES).
 */
export function cacheLengths(scope: IommufdScope): readonly number[] {
  let lens = CACHE_LENGTHS.get(scope);
  if (!lens) {
    lens = computeCacheLengths(scope);
    CACHE_LENGTHS.set(scope, lens);
  }
  return lens;
}

const CACHE_LENGTHS = new WeakMap<IommufdScope, readonly number[]>();

function computeCacheLengths(scope: IommufdScope): number[] {
  const ops = [...scope.threads.flat(), ...scope.restore.flat()];
  return scope.memfds.map((m, i) => {
    let len = m.pages;
    for (const o of ops) {
      if (o.op === 'ftruncate' && o.memfd === i) len = Math.max(len, o.size);
      if (o.op === 'fallocate' && o.memfd === i) len = Math.max(len, o.page + 1);
    }
    return len;
  });
}

export function initialState(scope: IommufdScope): State {
  const lens = cacheLengths(scope);
  const filled = (io: number) => scope.hwpts.some((h) => h.ioas === io);
  const inSession = (m: number) => scope.session.some((f) => f.file.kind === 'memfd' && f.file.memfd === m);
  const devices: Device[] = scope.devices.map((d) => ({
    group: d.group, hwpt: d.hwpt ?? -1, preserved: false, busMaster: true, bound: true, atFreeze: -1, pasid: d.pasid ?? false,
  }));
  const spare: HwptPaging = { alive: false, ioas: 0, marked: false, token: 0, preserved: false, users: 0, domain: emptyDomain(scope.iovas), restored: -1 };
  const hwpts: HwptPaging[] = scope.hwpts.map((h, i) => ({
    alive: true,
    ioas: h.ioas,
    marked: h.token !== undefined,
    token: h.token ?? 0,
    preserved: false,
    users: 1 + devices.filter((d) => d.hwpt === i).length,
    domain: initialDomain(scope, h.ioas),
    restored: -1,
  }));
  for (let k = 0; k < scope.restoreSlots; k++) hwpts.push(spare);
  const groups = initialGroups(scope);
  const s: State = {
    phase: PHASE_OLD,
    frozen: 0,
    boot: 0,
    probed: 0,
    oops: 0,
    memfds: scope.memfds.map((m, i) => ({
      seals: sealMask(m.seals), size: m.pages, cache: initialCache(m.pages, lens[i]!), kho: inSession(i) ? (1 << m.pages) - 1 : 0,
      frozen: inSession(i), preserved: inSession(i), retrieved: false,
    })),
    ioas: scope.ioas.map((io, i) => ({
      immutable: 0,
      areas: [...io.areas]
        .sort((x, y) => x.iova - y.iova)
        .map((a) => ({ ...a, seals: sealMask(scope.memfds[a.memfd]!.seals), pages: true, pfn: filled(i) ? pfnOf(a.memfd, a.page) : -1 })),
    })),
    hwpts,
    devices,
    groups,
    ctx: [],
    session: { open: true, files: scope.session.map((f) => ({ file: fileId(f.file), token: f.token })) },
    blob: NO_BLOB,
    nk: NO_INCOMING,
    threads: menus(scope).ops.map(() => IDLE),
  };
  return { ...s, ctx: devices.map((d) => ctxFor(s, groups[d.group]!.domain)) };
}

/** The new kernel's records before kexec: nothing incoming. */
export const NO_INCOMING = { retrieved: false, files: 0, finished: false, cancelled: false, flb: false, bug: NO_BUG } as const;

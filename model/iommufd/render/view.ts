/**
 * How states and actions read in a counterexample: one-line labels in kernel
 * terms, the process name, and a JSON view with 1-based object names
 * (hwpt1, ioas1, memfd1, dev1, T1).
 */
import {
  BLOCKING_DOMAIN, DEFAULT_DOMAIN, NO_DOMAIN, CTX_NONE, CTX_DEFAULT, PHASE_FROZEN, PHASE_NEW,
  type Action, type State,
} from '../state/types.js';
import { PAGES_PER_MEMFD, pfnOf } from '../kernel/pages.js';
import { CORE } from '../entry/registry.js';
import { dv, fileText, hw, io, mf, sealsText } from './names.js';

export { sealsText } from './names.js';

/** The label of a step of the model's own entry points (entry/: each definition's label). */
export function label(a: Action): string {
  const e = CORE.entry(a.type);
  if (e === undefined) throw new Error(`no entry point has action type ${JSON.stringify(a.type)}`);
  return e.label(a);
}

/** The process of a step: its thread (T1, T2, ...), or the reboot or boot process its entry point names. */
export function processName(a: Action): string {
  if (a.pid >= 0) return `T${a.pid + 1}`;
  return CORE.entry(a.type)?.system?.process ?? 'boot';
}

function domainName(s: State, d: number): string | null {
  if (d === NO_DOMAIN) return null;
  if (d === DEFAULT_DOMAIN) return 'default';
  if (d === BLOCKING_DOMAIN) return 'blocking';
  return s.phase === PHASE_NEW && !s.hwpts[d]!.alive ? `restored(${hw(d)})` : hw(d);
}

function ctxName(c: number): string | null {
  return c === CTX_NONE ? null : c === CTX_DEFAULT ? 'default' : `${hw(c)} tables`;
}

/** The pfns of memfd m's folios in a folio bit mask. */
function markedPfns(m: number, mask: number): number[] {
  const out: number[] = [];
  for (let f = 0; f < PAGES_PER_MEMFD; f++) if (mask & (1 << f)) out.push(pfnOf(m, f));
  return out;
}

const PHASE_NAMES = ['old-kernel', 'reboot-freezing', 'new-kernel'] as const;
const RESTORED_NAMES = ['no', 'live', 'freed'] as const;

export function stateJson(s: State): unknown {
  return {
    phase: PHASE_NAMES[s.phase],
    ...(s.phase === PHASE_FROZEN ? { frozenFiles: s.frozen } : {}),
    ...(s.phase === PHASE_NEW ? { boot: { stage: s.boot, probed: s.devices.map((_, i) => (s.probed >> i) & 1) }, incoming: s.nk } : {}),
    ...(s.oops ? { oops: `T${s.oops}` } : {}),
    memfds: Object.fromEntries(
      s.memfds.map((m, i) => [
        mf(i),
        {
          seals: sealsText(m.seals), size: m.size, pageCache: m.cache.slice(0, m.size).map((f) => (f < 0 ? null : pfnOf(i, f))),
          khoPreserved: markedPfns(i, m.kho),
          frozen: m.frozen, preserved: m.preserved, retrieved: m.retrieved,
        },
      ]),
    ),
    ioas: Object.fromEntries(
      s.ioas.map((x, i) => [
        io(i),
        { immutable: x.immutable, areas: x.areas.map((a) => ({ iova: a.iova, memfd: mf(a.memfd), page: a.page, seals: sealsText(a.seals), pages: a.pages, pinned: a.pfn < 0 ? null : a.pfn })) },
      ]),
    ),
    hwpts: Object.fromEntries(
      s.hwpts.map((h, i) => [
        hw(i),
        {
          alive: h.alive, ioas: h.ioas < 0 ? null : io(h.ioas), marked: h.marked, token: h.token, preserved: h.preserved, users: h.users,
          ...(h.restored >= 0 ? { wraps: `restored(${hw(h.restored)})` } : {}),
          domain: { leaves: h.domain.leaves, tables: h.domain.tables, kho: h.domain.kho, preservedState: h.domain.preservedState, restored: RESTORED_NAMES[h.domain.restored] },
        },
      ]),
    ),
    devices: Object.fromEntries(
      s.devices.map((d, i) => [
        dv(i),
        {
          group: d.group + 1, hwpt: d.hwpt < 0 ? null : hw(d.hwpt), preserved: d.preserved, busMaster: d.busMaster, bound: d.bound,
          contextEntry: ctxName(s.ctx[i]!), pasid: d.pasid, ...(d.atFreeze >= 0 ? { atKexec: `${hw(d.atFreeze)} tables` } : {}),
        },
      ]),
    ),
    groups: s.groups.map((g) => ({ domain: domainName(s, g.domain), owned: g.owned, ...(g.byToken ? { owner: 'token' } : {}), igroupHwpt: g.hwpt < 0 ? null : hw(g.hwpt) })),
    session: { open: s.session.open, files: s.session.files.map((f) => ({ file: fileText(f.file), token: f.token })) },
    blob: s.blob.allocated
      ? { nr_hwpts: s.blob.nr, hwpt_array: s.blob.slots.map((x, i) => ({ token: x.token, domain: x.domain ? hw(x.domain - 1) : 0, ...(s.blob.reclaimed & (1 << i) ? { reclaimed: true } : {}) })), overflow: s.blob.overflow }
      : null,
    threads: Object.fromEntries(
      s.threads.map((t, i) => [`T${i + 1}`, { pc: t.pc, op: t.op, done: t.done, nr: t.nr, slot: t.slot, cur: t.cur < 0 ? null : hw(t.cur), made: t.made, held: t.held, rc: t.rc }]),
    ),
  };
}

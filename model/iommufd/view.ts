/**
 * How states and actions read in a counterexample: one-line labels in kernel
 * terms, the process name, and a JSON view with 1-based object names
 * (hwpt1, ioas1, memfd1, dev1, T1).
 */
import { match } from 'ts-pattern';
import {
  SEAL_NAMES, FILE_CDEV, FILE_IOMMUFD, BLOCKING_DOMAIN, DEFAULT_DOMAIN, NO_DOMAIN, CTX_NONE, CTX_DEFAULT, PHASE_FROZEN, PHASE_NEW,
  type Action, type FileRef, type State,
} from './types.js';
import { PAGES_PER_MEMFD, pfnOf } from './pages.js';

const hw = (i: number) => `hwpt${i + 1}`;
const io = (i: number) => `ioas${i + 1}`;
const mf = (i: number) => `memfd${i + 1}`;
const dv = (i: number) => `dev${i + 1}`;

export function sealsText(mask: number): string {
  const names = SEAL_NAMES.filter(([, v]) => mask & v).map(([n]) => n);
  return names.length ? names.join('|') : 'none';
}

function fileRefText(f: FileRef): string {
  return f.kind === 'memfd' ? mf(f.memfd) : f.kind === 'iommufd' ? 'iommufd' : `cdev(${dv(f.dev)})`;
}

function fileText(file: number): string {
  return file === FILE_IOMMUFD ? 'iommufd' : file >= FILE_CDEV ? `cdev(${dv(file - FILE_CDEV)})` : mf(file);
}

const PRESERVE_TEXT = {
  P0: 'luo_preserve_file checks, lock lu_mutex',
  P1: 'count marked HWPTs under xa_lock',
  P2: 'kho_alloc_preserve(blob)',
  P3a: 'next marked HWPT: iommufd_lock_obj',
  P3c_imm: 'iommufd_preserve_hwpt: ioas_set_immutable(true)',
  P3c_check: 'iommufd_preserve_hwpt: check_iopt_pages_preserved',
  P3c_domain: 'iommufd_preserve_hwpt: iommu_domain_preserve',
  P3c_err: 'iommufd_preserve_hwpt err: restore IOAS, put_object',
  P3e: 'liveupdate_preserved = true',
} as const;

const MAP_TEXT = {
  M1: 'iopt_alloc_file_pages (seals snapshot)',
  M2: 'insert area, pages NULL (iova_rwsem)',
  M3: 'fill domains (domains_rwsem read)',
  M4: 'set area.pages, unlock',
} as const;

function preserveLabel(x: Extract<Action, { type: 'iommufd_liveupdate_preserve' }>): string {
  const fail = x.fail ? ' -> fails' : '';
  if (x.step === 'P0') return `iommufd_preserve P0: PRESERVE_FD iommufd token ${x.op.token}: ${PRESERVE_TEXT.P0}`;
  if (x.step === 'P3a' && x.hwpt < 0) return 'iommufd_preserve P4: no marked HWPT left, return blob';
  const on = x.hwpt >= 0 ? ` (${hw(x.hwpt)})` : '';
  return `iommufd_preserve ${x.step}: ${PRESERVE_TEXT[x.step]}${on}${fail}`;
}

export function label(a: Action): string {
  return match(a)
    .with({ type: 'iommufd_ioas_map_file' }, (x) => {
      const o = x.op;
      return `IOAS_MAP_FILE ${x.step} ${MAP_TEXT[x.step]}: ${io(o.ioas)} iova ${o.iova} -> ${mf(o.memfd)}[${o.page}]`;
    })
    .with({ type: 'iommufd_ioas_unmap' }, (x) => `IOAS_UNMAP ${io(x.op.ioas)} iova ${x.op.iova}`)
    .with({ type: 'iommufd_destroy' }, (x) => `IOMMU_DESTROY ${hw(x.op.hwpt)}`)
    .with({ type: 'iommufd_device_attach' }, (x) => `ATTACH ${dv(x.op.dev)} -> ${hw(x.op.hwpt)}`)
    .with({ type: 'iommufd_device_replace' }, (x) => `REPLACE ${dv(x.op.dev)} -> ${hw(x.op.hwpt)}`)
    .with({ type: 'iommufd_device_detach' }, (x) => `DETACH ${dv(x.op.dev)}`)
    .with({ type: 'iommufd_hwpt_liveupdate_mark_preserve' }, (x) => `MARK_PRESERVE ${hw(x.op.hwpt)} token ${x.op.token}`)
    .with({ type: 'memfd_add_seals' }, (x) => `F_ADD_SEALS ${mf(x.op.memfd)} ${sealsText(x.op.seals)}`)
    .with({ type: 'shmem_setattr' }, (x) => `ftruncate ${mf(x.op.memfd)} to ${x.op.size} page${x.op.size === 1 ? '' : 's'}`)
    .with({ type: 'shmem_fallocate' }, (x) => `fallocate ${mf(x.op.memfd)} page ${x.op.page}${x.op.punch ? ' PUNCH_HOLE|KEEP_SIZE' : ''}`)
    .with({ type: 'memfd_luo_preserve' }, (x) => `PRESERVE_FD ${fileRefText(x.op.file)} token ${x.op.token} (memfd_luo_preserve)`)
    .with({ type: 'iommu_preserve_device' }, (x) => `PRESERVE_FD ${fileRefText(x.op.file)} token ${x.op.token} (iommu_preserve_device)`)
    .with({ type: 'iommufd_liveupdate_preserve' }, preserveLabel)
    .with({ type: 'iommufd_liveupdate_unpreserve' }, (x) =>
      x.hwpt >= 0 ? `iommufd_unpreserve: release ${hw(x.hwpt)} (iommu_domain_unpreserve, IOAS, put_object)` : 'iommufd_unpreserve: kho_unpreserve_free(blob), return')
    .with({ type: 'luo_session_release' }, (x) => (x.file >= 0 ? `close session fd: unpreserve ${fileText(x.file)}` : 'close session fd: session gone'))
    .with({ type: 'liveupdate_reboot' }, (x) => `reboot(KEXEC): freeze ${fileText(x.file)}${x.fail ? ': its freeze fails, LUO unfreezes the files frozen, reboot returns the error -> fails' : ''}`)
    .with({ type: 'kernel_kexec' }, () => 'kexec: sessions and KHO handed over, device_shutdown, jump (hardware keeps its context entries)')
    .with({ type: 'kho_populate' }, () => 'B1 kho_populate: KHO-marked pages reserved, the rest is free RAM')
    .with({ type: 'intel_iommu_init' }, () => 'B2 IOMMU takeover: FLB retrieve, clear context entries of devices without preserved state')
    .with({ type: 'iommu_probe_device' }, () => 'B3 iommu_probe_device of every device: restore and attach the preserved domain, or the default domain')
    .with({ type: 'luo_session_retrieve' }, () => 'RETRIEVE_SESSION')
    .with({ type: 'luo_retrieve_file' }, (x) => `RETRIEVE_FD ${fileRefText(x.op.file)}`)
    .with({ type: 'iommufd_hwpt_alloc' }, (x) => `HWPT_ALLOC ${hw(x.op.hwpt)} on ${io(x.op.ioas)} (new kernel)`)
    .with({ type: 'iommufd_device_hotswap' }, (x) =>
      x.op.op === 'attach_ioas' ? `ATTACH ${dv(x.op.dev)} -> ${io(x.op.ioas)} (auto domain ${hw(x.op.hwpt)}; hot-swap)` : `REPLACE ${dv(x.op.dev)} -> ${hw(x.op.hwpt)} (hot-swap)`)
    .with({ type: 'iommufd_hwpt_lu_restore' }, (x) => `IOMMU_HWPT_LU_RESTORE token ${x.op.token} -> ${hw(x.op.hwpt)}`)
    .with({ type: 'iommufd_destroy_restored' }, (x) => `IOMMU_DESTROY ${hw(x.op.hwpt)} (new kernel)`)
    .with({ type: 'iommu_device_use_default_domain' }, (x) => `bind a kernel driver to ${dv(x.op.dev)} (iommu_device_use_default_domain)`)
    .with({ type: 'luo_session_finish' }, (x) => (x.op.op === 'finish' ? 'SESSION_FINISH' : 'close the incoming session fd (cancel)'))
    .exhaustive();
}

const SYSTEM_PROCESS: Partial<Record<Action['type'], string>> = { liveupdate_reboot: 'reboot', kernel_kexec: 'reboot' };

export function processName(a: Action): string {
  if (a.pid >= 0) return `T${a.pid + 1}`;
  return SYSTEM_PROCESS[a.type] ?? 'boot';
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

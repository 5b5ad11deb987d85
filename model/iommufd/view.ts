/**
 * How states and actions read in a counterexample: one-line labels in kernel
 * terms, the process name, and a JSON view with 1-based object names
 * (hwpt1, ioas1, memfd1, dev1, T1).
 */
import { match } from 'ts-pattern';
import { SEAL_NAMES, FILE_CDEV, FILE_IOMMUFD, BLOCKING_DOMAIN, DEFAULT_DOMAIN, type Action, type FileRef, type State } from './types.js';

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
    .with({ type: 'memfd_luo_preserve' }, (x) => `PRESERVE_FD ${fileRefText(x.op.file)} token ${x.op.token} (memfd_luo_preserve)`)
    .with({ type: 'iommu_preserve_device' }, (x) => `PRESERVE_FD ${fileRefText(x.op.file)} token ${x.op.token} (iommu_preserve_device)`)
    .with({ type: 'iommufd_liveupdate_preserve' }, preserveLabel)
    .with({ type: 'iommufd_liveupdate_unpreserve' }, (x) =>
      x.hwpt >= 0 ? `iommufd_unpreserve: release ${hw(x.hwpt)} (iommu_domain_unpreserve, IOAS, put_object)` : 'iommufd_unpreserve: kho_unpreserve_free(blob), return')
    .with({ type: 'luo_session_release' }, (x) => (x.file >= 0 ? `close session fd: unpreserve ${fileText(x.file)}` : 'close session fd: session gone'))
    .exhaustive();
}

export function processName(a: Action): string {
  return `T${a.pid + 1}`;
}

function domainName(d: number): string {
  return d === DEFAULT_DOMAIN ? 'default' : d === BLOCKING_DOMAIN ? 'blocking' : hw(d);
}

export function stateJson(s: State): unknown {
  return {
    phase: 'old-kernel',
    ...(s.oops ? { oops: `T${s.oops}` } : {}),
    memfds: Object.fromEntries(s.memfds.map((m, i) => [mf(i), { seals: sealsText(m.seals), frozen: m.frozen, preserved: m.preserved }])),
    ioas: Object.fromEntries(
      s.ioas.map((x, i) => [
        io(i),
        { immutable: x.immutable, areas: x.areas.map((a) => ({ iova: a.iova, memfd: mf(a.memfd), page: a.page, seals: sealsText(a.seals), pages: a.pages })) },
      ]),
    ),
    hwpts: Object.fromEntries(
      s.hwpts.map((h, i) => [
        hw(i),
        {
          alive: h.alive, ioas: io(h.ioas), marked: h.marked, token: h.token, preserved: h.preserved, users: h.users,
          domain: { leaves: h.domain.leaves, tables: h.domain.tables, kho: h.domain.kho, preservedState: h.domain.preservedState },
        },
      ]),
    ),
    devices: Object.fromEntries(s.devices.map((d, i) => [dv(i), { group: d.group + 1, hwpt: d.hwpt < 0 ? null : hw(d.hwpt), preserved: d.preserved }])),
    groups: s.groups.map((g) => ({ domain: domainName(g.domain), owned: g.owned, igroupHwpt: g.hwpt < 0 ? null : hw(g.hwpt) })),
    session: { open: s.session.open, files: s.session.files.map((f) => ({ file: fileText(f.file), token: f.token })) },
    blob: s.blob.allocated ? { nr_hwpts: s.blob.nr, hwpt_array: s.blob.slots.map((x) => ({ token: x.token, domain: x.domain ? hw(x.domain - 1) : 0 })), overflow: s.blob.overflow } : null,
    threads: Object.fromEntries(
      s.threads.map((t, i) => [`T${i + 1}`, { pc: t.pc, op: t.op, done: t.done, nr: t.nr, slot: t.slot, cur: t.cur < 0 ? null : hw(t.cur), made: t.made, held: t.held, rc: t.rc }]),
    ),
  };
}

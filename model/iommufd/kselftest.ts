/**
 * `--format kselftest` for the iommufd model: how userspace performs each
 * action, as C in the style of tools/testing/selftests/iommu/iommufd.c
 * (kselftest_harness TEST_F, `self->fd` an open /dev/iommu, ASSERT_EQ on
 * each ioctl), for the renderer in explorer/render/kselftest.ts.
 *
 * The scope's initial objects (memfds, IOASes and their areas, HWPTs, marks,
 * attachments, the LUO session and the files already in it) are built by a
 * setup block hoisted to the top of the test: memfd_create/F_ADD_SEALS,
 * IOMMU_IOAS_ALLOC, IOMMU_IOAS_MAP_FILE, VFIO cdevs bound with
 * VFIO_DEVICE_BIND_IOMMUFD (their paths come from LUOCHECK_VFIO_CDEV1.. in
 * the environment; the test SKIPs without them), IOMMU_HWPT_ALLOC,
 * VFIO_DEVICE_ATTACH_IOMMUFD_PT, IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE and
 * LIVEUPDATE_IOCTL_CREATE_SESSION on /dev/liveupdate.
 *
 * An ioctl the model splits into several steps (MAP_FILE M1-M4, the iommufd
 * PRESERVE_FD P0-P4 and its unwind, a session close with one step per file)
 * is issued once, at its first step; the others are comments. Each call
 * asserts what the model says it returns when it runs alone from the state
 * before it. A step whose fallible call fails by injection needs fault
 * injection. Every step once the old kernel is gone (reboot(KEXEC), the
 * boot, the new kernel's VMM) and any action type this file does not map is
 * a marked comment, never made-up code.
 */
import type { Model } from '../../explorer/model.js';
import { enabledActions } from './actions.js';
import type { Ctx } from './ctx.js';
import { fileId } from './luo.js';
import { nextState } from './next.js';
import type { IommufdScope } from './scopes.js';
import { decodeVariant, PRESETS } from './variants.js';
import { F_SEAL_GROW, F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_WRITE, PHASE_OLD, type Action, type FileRef, type Op, type State } from './types.js';

export type KselftestStep = ReturnType<NonNullable<Model<State, Action>['kselftest']>>;

const INCLUDES = ['<sys/mman.h>', '<linux/vfio.h>', '<linux/liveupdate.h>'];

/** Model IOVA slot n is iova_base + n * page_size in the test. */
const iova = (slot: number) => `iova_base + ${slot} * page_size`;

const SEAL_C: readonly (readonly [number, string])[] = [
  [F_SEAL_SEAL, 'F_SEAL_SEAL'],
  [F_SEAL_SHRINK, 'F_SEAL_SHRINK'],
  [F_SEAL_GROW, 'F_SEAL_GROW'],
  [F_SEAL_WRITE, 'F_SEAL_WRITE'],
];

export function sealsC(mask: number): string {
  const names = SEAL_C.filter(([v]) => mask & v).map(([, n]) => n);
  return names.length ? names.join(' | ') : '0';
}

function fileC(f: FileRef): string {
  return f.kind === 'memfd' ? `memfd[${f.memfd}]` : f.kind === 'iommufd' ? 'self->fd' : `cdev_fd[${f.dev}]`;
}

/** The statements of each call, without the assertion on the call itself. */
const call = {
  mapFile: (o: { ioas: number; memfd: number; page: number; iova: number }) => ({
    pre: [`struct iommu_ioas_map_file cmd = { .size = sizeof(cmd), .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE, .ioas_id = ioas_id[${o.ioas}], .fd = memfd[${o.memfd}], .start = ${o.page} * page_size, .length = page_size, .iova = ${iova(o.iova)} };`],
    expr: 'ioctl(self->fd, IOMMU_IOAS_MAP_FILE, &cmd)',
  }),
  unmap: (o: { ioas: number; iova: number }) => ({
    pre: [`struct iommu_ioas_unmap cmd = { .size = sizeof(cmd), .ioas_id = ioas_id[${o.ioas}], .iova = ${iova(o.iova)}, .length = page_size };`],
    expr: 'ioctl(self->fd, IOMMU_IOAS_UNMAP, &cmd)',
  }),
  destroy: (h: number) => ({ pre: [`struct iommu_destroy cmd = { .size = sizeof(cmd), .id = hwpt_id[${h}] };`], expr: 'ioctl(self->fd, IOMMU_DESTROY, &cmd)' }),
  attach: (dev: number, h: number) => ({
    pre: [`struct vfio_device_attach_iommufd_pt cmd = { .argsz = sizeof(cmd), .pt_id = hwpt_id[${h}] };`],
    expr: `ioctl(cdev_fd[${dev}], VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd)`,
  }),
  detach: (dev: number) => ({ pre: ['struct vfio_device_detach_iommufd_pt cmd = { .argsz = sizeof(cmd) };'], expr: `ioctl(cdev_fd[${dev}], VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd)` }),
  mark: (h: number, token: number) => ({
    pre: [`struct iommu_hwpt_lu_mark_preserve cmd = { .size = sizeof(cmd), .hwpt_id = hwpt_id[${h}], .token = ${token} };`],
    expr: 'ioctl(self->fd, IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE, &cmd)',
  }),
  addSeals: (m: number, seals: number) => ({ pre: [], expr: `fcntl(memfd[${m}], F_ADD_SEALS, ${sealsC(seals)})` }),
  preserveFd: (f: FileRef, token: number) => ({
    pre: [`struct liveupdate_session_preserve_fd cmd = { .size = sizeof(cmd), .fd = ${fileC(f)}, .token = ${token} };`],
    expr: 'ioctl(session_fd, LIVEUPDATE_SESSION_PRESERVE_FD, &cmd)',
  }),
  close: () => ({ pre: [], expr: 'close(session_fd)' }),
};

function ok(c: { pre: readonly string[]; expr: string }): string[] {
  return [...c.pre, `ASSERT_EQ(0, ${c.expr});`];
}

/** The devices the test opens: the scope's, or one to allocate the HWPTs against. */
function deviceCount(scope: IommufdScope): number {
  return Math.max(scope.devices.length, scope.hwpts.length > 0 ? 1 : 0);
}

function setupDevices(scope: IommufdScope): string[] {
  const n = deviceCount(scope);
  if (n === 0) return [];
  const groups = scope.devices.length ? scope.devices.map((d, i) => `device ${i + 1} in iommu_group ${d.group + 1}`).join(', ') : 'device 1 (never attached)';
  const paths = Array.from({ length: n }, (_, i) => `getenv("LUOCHECK_VFIO_CDEV${i + 1}")`).join(', ');
  return [
    `/* VFIO cdevs bound to this iommufd: ${groups}. */`,
    `const char *cdev_path[${n}] = { ${paths} };`,
    `for (int i = 0; i < ${n}; i++) {`,
    '\tif (!cdev_path[i])',
    '\t\tSKIP(return, "set LUOCHECK_VFIO_CDEV%d to a VFIO cdev (/dev/vfio/devices/vfioN)", i + 1);',
    '\tcdev_fd[i] = open(cdev_path[i], O_RDWR);',
    '\tASSERT_NE(-1, cdev_fd[i]);',
    '\tstruct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind), .iommufd = self->fd };',
    '\tASSERT_EQ(0, ioctl(cdev_fd[i], VFIO_DEVICE_BIND_IOMMUFD, &bind));',
    '\tdev_id[i] = bind.out_devid;',
    '}',
  ];
}

function setupObjects(scope: IommufdScope): string[] {
  const out: string[] = [];
  const braced = (lines: readonly string[]) => ['{', ...lines.map((l) => `\t${l}`), '}'];
  scope.memfds.forEach((m, i) => {
    out.push(`memfd[${i}] = memfd_create("luocheck-memfd${i + 1}", MFD_ALLOW_SEALING);`, `ASSERT_NE(-1, memfd[${i}]);`, `ASSERT_EQ(0, ftruncate(memfd[${i}], ${m.pages} * page_size));`);
    const mask = m.seals.reduce((acc, n) => acc | (SEAL_C.find(([, c]) => c === `F_SEAL_${n}`)?.[0] ?? 0), 0);
    if (mask) out.push(`ASSERT_EQ(0, fcntl(memfd[${i}], F_ADD_SEALS, ${sealsC(mask)}));`);
  });
  scope.ioas.forEach((io, i) => {
    out.push(...braced(['struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };', 'ASSERT_EQ(0, ioctl(self->fd, IOMMU_IOAS_ALLOC, &cmd));', `ioas_id[${i}] = cmd.out_ioas_id;`]));
    for (const a of io.areas) out.push(...braced(ok(call.mapFile({ ioas: i, ...a }))));
  });
  out.push(...setupDevices(scope));
  scope.hwpts.forEach((h, i) => {
    const dev = Math.max(0, scope.devices.findIndex((d) => d.hwpt === i));
    out.push(...braced([`struct iommu_hwpt_alloc cmd = { .size = sizeof(cmd), .dev_id = dev_id[${dev}], .pt_id = ioas_id[${h.ioas}] };`, 'ASSERT_EQ(0, ioctl(self->fd, IOMMU_HWPT_ALLOC, &cmd));', `hwpt_id[${i}] = cmd.out_hwpt_id;`]));
  });
  scope.devices.forEach((d, i) => {
    if (d.hwpt !== undefined) out.push(...braced(ok(call.attach(i, d.hwpt))));
  });
  scope.hwpts.forEach((h, i) => {
    if (h.token !== undefined) out.push(...braced(ok(call.mark(i, h.token))));
  });
  return out;
}

function setupSession(scope: IommufdScope): string[] {
  const out = [
    'lu_fd = open("/dev/liveupdate", O_RDWR);',
    'if (lu_fd < 0)',
    '\tSKIP(return, "no /dev/liveupdate: a kernel without CONFIG_LIVEUPDATE");',
    '{',
    '\tstruct liveupdate_ioctl_create_session cmd = { .size = sizeof(cmd), .name = "luocheck" };',
    '\tASSERT_EQ(0, ioctl(lu_fd, LIVEUPDATE_IOCTL_CREATE_SESSION, &cmd));',
    '\tsession_fd = cmd.fd;',
    '}',
  ];
  for (const f of scope.session) out.push('{', ...ok(call.preserveFd(f.file, f.token)).map((l) => `\t${l}`), '}');
  return out;
}

/** Whether the test needs IOVAs (an area or a MAP_FILE/UNMAP in some menu). */
function usesIova(scope: IommufdScope): boolean {
  return scope.ioas.some((io) => io.areas.length > 0) || scope.threads.some((m) => m.some((o) => o.op === 'map_file' || o.op === 'unmap'));
}

/** Whether the test needs the LUO session (a file in it, or a PRESERVE_FD or close in some menu). */
function usesSession(scope: IommufdScope): boolean {
  return scope.session.length > 0 || scope.threads.some((m) => m.some((o) => o.op === 'preserve_fd' || o.op === 'close_session'));
}

/** The hoisted setup: declarations of what the scope has, then its initial objects, as one block. */
export function setupBlock(scope: IommufdScope): string {
  const devs = deviceCount(scope);
  const decl = (n: number, d: string) => (n > 0 ? [d] : []);
  return [
    "/* The scope's initial state, built before the trace's first step. */",
    ...decl(scope.memfds.length + +usesIova(scope), 'long page_size = sysconf(_SC_PAGESIZE);'),
    ...decl(+usesIova(scope), '__u64 iova_base = 1UL << 20; /* model IOVA slot n is iova_base + n * page_size */'),
    ...decl(scope.memfds.length, `int memfd[${scope.memfds.length}];`),
    ...decl(scope.ioas.length, `__u32 ioas_id[${scope.ioas.length}];`),
    ...decl(scope.hwpts.length, `__u32 hwpt_id[${scope.hwpts.length}];`),
    ...decl(devs, `int cdev_fd[${devs}];`),
    ...decl(devs, `__u32 dev_id[${devs}];`),
    ...decl(+usesSession(scope), 'int lu_fd, session_fd;'),
    '',
    ...setupObjects(scope),
    ...(usesSession(scope) ? setupSession(scope) : []),
  ].join('\n');
}

/** Runs thread `pid` alone from `s` through `a` until its call returns (or it would wait for another thread). */
function runAlone(ctx: Ctx, s: State, a: Action & { pid: number }): State {
  let n = nextState(ctx, s, a);
  for (let i = 0; i < 256; i++) {
    const t = n.threads[a.pid];
    if (t === undefined || t.pc === 'idle' || t.pc === 'OOPS') break;
    const next = enabledActions(ctx, n).find((x) => 'pid' in x && x.pid === a.pid && !('fail' in x && x.fail));
    if (next === undefined) break;
    n = nextState(ctx, n, next);
  }
  return n;
}

const objects = (s: State) => JSON.stringify({ ...s, threads: null });

/** Whether op `o`, issued by `a` from `s` and run alone, returns 0 in the model. */
function succeeds(ctx: Ctx, s: State, a: Action & { pid: number }, o: Op): boolean {
  const n = runAlone(ctx, s, a);
  switch (o.op) {
    case 'preserve_fd': {
      const id = fileId(o.file);
      return !s.session.files.some((f) => f.file === id) && n.session.files.some((f) => f.file === id);
    }
    case 'close_session':
      return s.session.open && !n.session.open;
    case 'add_seals': // F_ADD_SEALS of seals already set returns 0 and changes nothing
      return (s.memfds[o.memfd]!.seals & F_SEAL_SEAL) === 0;
    case 'replace': // replacing with the HWPT already attached returns 0
      return n.devices[o.dev]!.hwpt === o.hwpt;
    default:
      return objects(n) !== objects(s);
  }
}

/**
 * The call of a step that starts op `o`, asserting the model's result when
 * it runs alone; the comment says when a kernel with every switch as in
 * `fixed` returns otherwise.
 */
function issue(ctx: Ctx, s: State, a: Action & { pid: number }, o: Op, c: { pre: readonly string[]; expr: string }, what: string): KselftestStep {
  const good = succeeds(ctx, s, a, o);
  const fixed = succeeds({ scope: ctx.scope, sw: decodeVariant(PRESETS['fixed']!) }, s, a, o);
  const result = (g: boolean) => (g ? 'returns 0' : 'fails');
  const differs = good === fixed ? '' : `; with every switch as in fixed it ${result(fixed)}`;
  return { code: [...c.pre, `${good ? 'ASSERT_EQ' : 'ASSERT_NE'}(0, ${c.expr});`], comment: `${what}; ${result(good)} in the model when run alone here${differs}` };
}

const inside = (what: string): KselftestStep => ({ comment: `inside ${what} issued at an earlier step` });

function preserveStep(ctx: Ctx, s: State, a: Extract<Action, { type: 'iommufd_liveupdate_preserve' }>): KselftestStep {
  const what = `the LIVEUPDATE_SESSION_PRESERVE_FD of the iommufd (token ${a.op.token})`;
  if (a.fail) return { needs: `fault injection to make this step's call fail (${a.step})`, comment: `inside ${what}` };
  if (a.step === 'P0') return issue(ctx, s, a, a.op, call.preserveFd(a.op.file, a.op.token), `${what}: iommufd_liveupdate_preserve runs P0-P4 inside it`);
  return inside(what);
}

/** The C for action `a` taken from state `s` (the body of the model's `kselftest` hook). */
export function kselftestStep(ctx: Ctx, a: Action, s: State): KselftestStep {
  const step = s.phase === PHASE_OLD ? stepC(ctx, a, s) : afterKexec(a as { readonly type?: unknown });
  return { ...step, decls: [setupBlock(ctx.scope)], includes: INCLUDES };
}

function stepC(ctx: Ctx, a: Action, s: State): KselftestStep {
  switch (a.type) {
    case 'iommufd_ioas_map_file':
      return a.step === 'M1' ? issue(ctx, s, a, a.op, call.mapFile(a.op), 'IOMMU_IOAS_MAP_FILE; its steps M2-M4 follow') : inside('the IOMMU_IOAS_MAP_FILE');
    case 'iommufd_ioas_unmap':
      return issue(ctx, s, a, a.op, call.unmap(a.op), 'IOMMU_IOAS_UNMAP');
    case 'iommufd_destroy':
      return issue(ctx, s, a, a.op, call.destroy(a.op.hwpt), 'IOMMU_DESTROY of the HWPT');
    case 'iommufd_device_attach':
      return issue(ctx, s, a, a.op, call.attach(a.op.dev, a.op.hwpt), 'attach through the VFIO cdev (iommufd_device_attach)');
    case 'iommufd_device_replace':
      return issue(ctx, s, a, a.op, call.attach(a.op.dev, a.op.hwpt), 'ATTACH_IOMMUFD_PT on an attached cdev replaces (iommufd_device_replace)');
    case 'iommufd_device_detach':
      return issue(ctx, s, a, a.op, call.detach(a.op.dev), 'detach through the VFIO cdev');
    case 'iommufd_hwpt_liveupdate_mark_preserve':
      return issue(ctx, s, a, a.op, call.mark(a.op.hwpt, a.op.token), 'IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE');
    case 'memfd_add_seals':
      return issue(ctx, s, a, a.op, call.addSeals(a.op.memfd, a.op.seals), 'F_ADD_SEALS (memfd_add_seals)');
    case 'memfd_luo_preserve':
    case 'iommu_preserve_device':
      return issue(ctx, s, a, a.op, call.preserveFd(a.op.file, a.op.token), `LIVEUPDATE_SESSION_PRESERVE_FD (${a.type})`);
    case 'iommufd_liveupdate_preserve':
      return preserveStep(ctx, s, a);
    case 'iommufd_liveupdate_unpreserve':
      return inside('the call whose unpreserve this is (a failing PRESERVE_FD of the iommufd, or the session close)');
    case 'luo_session_release':
      if (s.threads[a.pid]?.op === -1) return issue(ctx, s, a, a.op, call.close(), 'closing the session fd unpreserves its files, last first');
      return inside('the close of the session fd');
    default:
      return unmapped(a as { readonly type?: unknown; readonly pid?: unknown });
  }
}

const typeOf = (a: { readonly type?: unknown }) => (typeof a.type === 'string' ? a.type : 'unknown');

/** A step taken once reboot(KEXEC) has begun (files frozen, or the new kernel): a marked comment. */
function afterKexec(a: { readonly type?: unknown }): KselftestStep {
  return { needs: `a kexec: ${typeOf(a)} runs during reboot(KEXEC) or in the new kernel, where straight-line code of the old kernel's test cannot follow` };
}

/**
 * An action type this mapping does not have (the reboot and boot steps of
 * the kexec, pid < 0, and any type added to the model after it): a marked
 * comment, never made-up code.
 */
function unmapped(a: { readonly type?: unknown; readonly pid?: unknown }): KselftestStep {
  if (typeof a.pid === 'number' && a.pid < 0) return { needs: `a kexec into the new kernel (${typeOf(a)} is a step of reboot(KEXEC) or of the boot)` };
  return { needs: `C for the action type ${typeOf(a)}, which the iommufd kselftest mapping does not have` };
}

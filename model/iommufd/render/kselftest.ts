/**
 * `--format kselftest` for the iommufd model: how userspace performs each
 * action, as C in the style of tools/testing/selftests/iommu/iommufd.c
 * (kselftest_harness TEST_F, `self->fd` an open /dev/iommu, ASSERT_EQ on
 * each ioctl), for the renderer in explorer/render/kselftest.ts.
 *
 * File scope (`globals`): the live-update series' uapi, by the series' own
 * names, in one marked block guarded by `#ifndef` on its ioctl (the file
 * builds unchanged once the installed headers have it), and the test's
 * handles (memfds, IOAS/HWPT/device ids, cdev fds, the LUO fds), which a
 * second VMM thread and both halves of a kexec test share.
 *
 * The scope's initial objects (memfds, IOASes and their areas, HWPTs, marks,
 * attachments, the LUO session and the files already in it) are built by a
 * setup block at the top of the test: memfd_create/F_ADD_SEALS,
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
 * before it. A step whose fallible call fails by injection arms the
 * kernel's fail_page_alloc for that call where the failing call allocates
 * pages (kho_alloc_preserve, iommu_domain_preserve), else it is a marked
 * comment.
 *
 * Across a kexec the test has two halves (the LUO selftests' two stages):
 * the steps of reboot(KEXEC) and the boot end the first (its session fds are
 * held by a child until the reader's kexec); the new kernel's VMM steps form
 * a second TEST_F that retrieves the session by name and the files by token.
 *
 * One entry per action type in MAP (a Record over ActionType, so a new
 * action type does not compile until it has its entry).
 */
import { enabledActions } from '../actions.js';
import type { Ctx, KselftestKit, KselftestStep } from '../entry-point.js';
import { SEAL_C, SESSION, FAIL_PAGE_ALLOC, braced, call, fileC, inside, kexecStep, ok, sealsC, tokenOf, type Call } from './kselftest-kit.js';
import { nextState } from '../next.js';
import { entryOf } from '../entry/registry.js';
import type { IommufdScope } from '../scopes/scopes.js';
import { decodeVariant, PRESETS } from '../scopes/variants.js';
import { F_SEAL_SEAL, PHASE_NEW, PHASE_OLD, fileId, type Action, type Op, type State } from '../state/types.js';

const INCLUDES = ['<sys/mman.h>', '<linux/vfio.h>', '<linux/liveupdate.h>'];

const STAGE_SESSION = 'luocheck-stage';

/**
 * The series' uapi for marking a HWPT, by its names in the series' code and
 * selftest (struct iommu_hwpt_liveupdate_mark_preserve, field hwpt_token).
 */
export const SERIES_UAPI = [
  '/*',
  ' * LUOCHECK: uapi of the unmerged live-update series (Samiullah Khawaja,',
  ' * "iommu: Add live update state preservation" v2, 2026-04-27, Message-ID',
  ' * 20260427175633.1978233-1-skhawaja@google.com): the ioctl that marks a',
  ' * HWPT for preservation, by the series\' names. Remove this block once the',
  ' * installed <linux/iommufd.h> has the ioctl; until then it is skipped when',
  ' * the headers already define it. 0x95, the slot after',
  ' * IOMMUFD_CMD_HW_QUEUE_ALLOC, is the number the series\' uapi has given',
  ' * its mark ioctl since v1 (IOMMUFD_CMD_HWPT_LU_MARK_PRESERVE = 0x95).',
  ' */',
  '#ifndef IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE',
  'struct iommu_hwpt_liveupdate_mark_preserve {',
  '\t__u32 size;',
  '\t__u32 hwpt_id;',
  '\t__aligned_u64 hwpt_token;',
  '};',
  '#define IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE _IO(IOMMUFD_TYPE, 0x95)',
  '#endif',
].join('\n');

/** The devices the test opens: the scope's, or one to allocate the HWPTs against. */
function deviceCount(scope: IommufdScope): number {
  return Math.max(scope.devices.length, scope.hwpts.length + scope.restoreSlots > 0 ? 1 : 0);
}

const allMenus = (scope: IommufdScope) => [...scope.threads, ...scope.restore];

function setupDevices(scope: IommufdScope): string[] {
  const n = deviceCount(scope);
  if (n === 0) return [];
  const groups = scope.devices.length ? scope.devices.map((d, i) => `device ${i + 1} in iommu_group ${d.group + 1}`).join(', ') : 'device 1 (never attached)';
  const paths = Array.from({ length: n }, (_, i) => `getenv("LUOCHECK_VFIO_CDEV${i + 1}")`).join(', ');
  return [
    `/* VFIO cdevs bound to this iommufd: ${groups}. */`,
    ...braced([
      `const char *cdev_path[${n}] = { ${paths} };`,
      '',
      `for (int i = 0; i < ${n}; i++) {`,
      '\tif (!cdev_path[i])',
      '\t\tSKIP(return, "set LUOCHECK_VFIO_CDEV%d to a VFIO cdev (/dev/vfio/devices/vfioN)", i + 1);',
      '\tcdev_fd[i] = open(cdev_path[i], O_RDWR);',
      '\tASSERT_NE(-1, cdev_fd[i]);',
      '\tstruct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind), .iommufd = self->fd };',
      '\tASSERT_EQ(0, ioctl(cdev_fd[i], VFIO_DEVICE_BIND_IOMMUFD, &bind));',
      '\tdev_id[i] = bind.out_devid;',
      '}',
    ]),
  ];
}

function setupObjects(scope: IommufdScope): string[] {
  const out: string[] = [];
  scope.memfds.forEach((m, i) => {
    const mask = m.seals.reduce((acc, n) => acc | (SEAL_C.find(([, c]) => c === `F_SEAL_${n}`)?.[0] ?? 0), 0);
    out.push(
      ...braced([
        `memfd[${i}] = memfd_create("luocheck-memfd${i + 1}", MFD_ALLOW_SEALING);`,
        `ASSERT_NE(-1, memfd[${i}]);`,
        `ASSERT_EQ(0, ftruncate(memfd[${i}], ${m.pages} * page_size));`,
        ...(mask ? [`ASSERT_EQ(0, fcntl(memfd[${i}], F_ADD_SEALS, ${sealsC(mask)}));`] : []),
      ]),
    );
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
    if (d.hwpt !== undefined) out.push(...braced(ok(call.attach(i, `hwpt_id[${d.hwpt}]`))));
  });
  scope.hwpts.forEach((h, i) => {
    if (h.token !== undefined) out.push(...braced(ok(call.mark(i, h.token))));
  });
  return out;
}

function openLu(): string[] {
  return ['lu_fd = open("/dev/liveupdate", O_RDWR);', 'if (lu_fd < 0)', '\tSKIP(return, "no /dev/liveupdate: a kernel without CONFIG_LIVEUPDATE");'];
}

function setupSession(scope: IommufdScope): string[] {
  const out = [
    ...openLu(),
    ...braced(['struct liveupdate_ioctl_create_session cmd = { .size = sizeof(cmd), .name = LUOCHECK_SESSION };', '', 'ASSERT_EQ(0, ioctl(lu_fd, LIVEUPDATE_IOCTL_CREATE_SESSION, &cmd));', 'session_fd = cmd.fd;']),
  ];
  for (const f of scope.session) out.push(...braced(ok(call.preserveFd(f.file, f.token))));
  return out;
}

const crossesKexec = (scope: IommufdScope) => scope.phases !== 'old-kernel';

/** Whether the test needs IOVAs (an area or a MAP_FILE/UNMAP in some menu). */
function usesIova(scope: IommufdScope): boolean {
  return scope.ioas.some((io) => io.areas.length > 0) || allMenus(scope).some((m) => m.some((o) => o.op === 'map_file' || o.op === 'unmap'));
}

/** Whether the test needs the LUO session (a file in it, a PRESERVE_FD or close in some menu, or a kexec). */
function usesSession(scope: IommufdScope): boolean {
  return crossesKexec(scope) || scope.session.length > 0 || scope.threads.some((m) => m.some((o) => o.op === 'preserve_fd' || o.op === 'close_session'));
}

/** The file-scope handles of the test, shared by its VMM threads and by both halves of a kexec test. */
export function handles(scope: IommufdScope): string {
  const devs = deviceCount(scope);
  const hwpts = scope.hwpts.length + scope.restoreSlots;
  const decl = (n: number, d: string) => (n > 0 ? [d] : []);
  return [
    "/* The test's objects: the model's memfd1.., ioas1.., hwpt1.., dev1.. are [0], [1], ... */",
    ...decl(scope.memfds.length + +usesIova(scope), 'static long page_size;'),
    ...decl(+usesIova(scope), 'static __u64 iova_base = 1UL << 20; /* model IOVA slot n is iova_base + n * page_size */'),
    ...decl(scope.memfds.length, `static int memfd[${scope.memfds.length}];`),
    ...decl(scope.ioas.length, `static __u32 ioas_id[${scope.ioas.length}];`),
    ...decl(hwpts, `static __u32 hwpt_id[${hwpts}];`),
    ...decl(devs, `static int cdev_fd[${devs}];`),
    ...decl(devs, `static __u32 dev_id[${devs}];`),
    ...decl(+usesSession(scope), 'static int lu_fd = -1, session_fd = -1;'),
    ...decl(+usesSession(scope), `#define LUOCHECK_SESSION "${SESSION}"`),
    ...decl(+crossesKexec(scope), `#define LUOCHECK_STAGE_SESSION "${STAGE_SESSION}" /* marks that the before_kexec test ran */`),
  ].join('\n');
}

/** The setup of the old kernel's test: the scope's initial objects. */
export function setupBlock(scope: IommufdScope): string {
  return [
    "/* The scope's initial state, built before the trace's first step. */",
    ...(scope.memfds.length + +usesIova(scope) > 0 ? ['page_size = sysconf(_SC_PAGESIZE);'] : []),
    ...setupObjects(scope),
    ...(usesSession(scope) ? setupSession(scope) : []),
  ].join('\n');
}

/** Set up by the first half of a kexec test, after the scope's objects: the marker session. */
const STAGE_MARK = [
  '/* Marks for the after_kexec test that this half ran: a session of its own that crosses the kexec. */',
  ...braced([
    'struct liveupdate_ioctl_create_session cmd = { .size = sizeof(cmd), .name = LUOCHECK_STAGE_SESSION };',
    '',
    'if (ioctl(lu_fd, LIVEUPDATE_IOCTL_CREATE_SESSION, &cmd))',
    '\tSKIP(return, "a before_kexec test already holds its sessions for the kexec");',
  ]),
].join('\n');

/** The setup of the new kernel's test (the second half): its IOASes and the marker check. */
export function newKernelSetup(scope: IommufdScope): string {
  return [
    '/* After the kexec: the session comes back by name, its files by token. */',
    ...(scope.memfds.length + +usesIova(scope) > 0 ? ['page_size = sysconf(_SC_PAGESIZE);'] : []),
    ...openLu(),
    ...braced([
      'struct liveupdate_ioctl_retrieve_session cmd = { .size = sizeof(cmd), .name = LUOCHECK_STAGE_SESSION };',
      '',
      'if (ioctl(lu_fd, LIVEUPDATE_IOCTL_RETRIEVE_SESSION, &cmd))',
      '\tSKIP(return, "not after a kexec that followed the before_kexec test");',
    ]),
    ...scope.ioas.flatMap((_, i) => braced(['struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };', '', 'ASSERT_EQ(0, ioctl(self->fd, IOMMU_IOAS_ALLOC, &cmd));', `ioas_id[${i}] = cmd.out_ioas_id;`])),
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
    case 'ftruncate': // to the size it has: returns 0 and changes nothing
      return n.memfds[o.memfd]!.size === o.size;
    case 'fallocate': // of a page already there (or a hole punched in a hole): returns 0 and changes nothing
      return o.punch ? n.memfds[o.memfd]!.cache[o.page] === -1 : n.memfds[o.memfd]!.cache[o.page] !== -1;
    case 'replace': // replacing with the HWPT already attached returns 0
      return n.devices[o.dev]!.hwpt === o.hwpt;
    default: // every other op changes some object when it returns 0
      return objects(n) !== objects(s);
  }
}

/**
 * The call of a step that starts op `o`, asserting the model's result when
 * it runs alone; the comment says when a kernel with every switch as in
 * `fixed` returns otherwise.
 */
function issue(ctx: Ctx, s: State, a: Action & { pid: number }, o: Op, c: Call, what: string): KselftestStep {
  const good = succeeds(ctx, s, a, o);
  const fixed = succeeds({ ...ctx, sw: decodeVariant(PRESETS['fixed']!) }, s, a, o);
  const result = (g: boolean) => (g ? 'returns 0' : 'fails');
  const differs = good === fixed ? '' : `; with every switch as in fixed it ${result(fixed)}`;
  const code = good ? ok(c) : [...c.pre, `ASSERT_NE(0, ${c.expr});`];
  return { code, comment: `${what}; ${result(good)} in the model when run alone here${differs}` };
}

/**
 * What an entry point's kselftest mapping (entry/) is handed: the shared
 * helpers of this file, passed in so that the definitions import none of
 * the search the helpers use (runAlone) and no import cycle forms.
 */
const KIT: KselftestKit = { issue, inside, call, tokenOf, fileC, kexecStep, session: SESSION, failPageAlloc: FAIL_PAGE_ALLOC };

/** The C for action `a` taken from state `s` (the body of the model's `kselftest` hook). */
export function kselftestStep(ctx: Ctx, a: Action, s: State): KselftestStep {
  const globals = [SERIES_UAPI, handles(ctx.scope)];
  const type = (a as { readonly type?: unknown }).type;
  const entry = typeof type === 'string' ? entryOf(ctx, type) : undefined;
  if (entry === undefined) return { ...unmapped(a as { readonly type?: unknown; readonly pid?: unknown }), globals, decls: [setupBlock(ctx.scope)], includes: INCLUDES };
  const isKexec = a.pid < 0;
  if (!isKexec && s.phase !== PHASE_OLD && s.phase !== PHASE_NEW) return { ...afterKexec(a), globals, decls: [setupBlock(ctx.scope)], includes: INCLUDES };
  const step = entry.kselftest(ctx, a, s, KIT);
  const common = { globals: [...globals, ...(step.globals ?? [])], includes: [...INCLUDES, ...(step.includes ?? [])] };
  if (isKexec) return { ...step, ...common, decls: [setupBlock(ctx.scope), STAGE_MARK] };
  if (s.phase === PHASE_NEW) return { ...step, ...common, kernel: 'new', decls: [newKernelSetup(ctx.scope)] };
  return { ...step, ...common, decls: [setupBlock(ctx.scope)] };
}

const typeOf = (a: { readonly type?: unknown }) => (typeof a.type === 'string' ? a.type : 'unknown');

/** A VMM step taken while reboot(KEXEC) freezes the files: it races the reboot. */
function afterKexec(a: { readonly type?: unknown }): KselftestStep {
  return { needs: `a second thread racing reboot(KEXEC): ${typeOf(a)} runs while the reboot freezes the preserved files` };
}

/** An action type this mapping does not have (a trace of another model version): a marked comment, never made-up code. */
function unmapped(a: { readonly type?: unknown; readonly pid?: unknown }): KselftestStep {
  if (typeof a.pid === 'number' && a.pid < 0) return { needs: `a kexec into the new kernel (${typeOf(a)} is a step of reboot(KEXEC) or of the boot)` };
  return { needs: `C for the action type ${typeOf(a)}, which the iommufd kselftest mapping does not have` };
}

/**
 * The C of single calls for `--format kselftest` (iommufd model): each ioctl
 * or syscall a step issues, the LUO session name, the fault-injection helper
 * and the end of a kexec test's first half. What an entry point's kselftest
 * mapping is handed (KselftestKit in entry-point.ts) comes from here and from
 * render/kselftest.ts (`issue`, which runs the model); this file imports no
 * part of the model that dispatches actions, so the definitions and the
 * renderer form no import cycle.
 */
import type { KselftestStep } from '../../../explorer/render/kselftest.js';
import { F_SEAL_GROW, F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_WRITE, fileId, type Action, type FileRef, type State } from '../state/types.js';

/** The LUO session the test preserves its files in, and the marker session of a kexec test's first half. */
export const SESSION = 'luocheck';

/**
 * Arms the kernel's fail_page_alloc (Documentation/fault-injection) so that
 * the next page allocation of this task whose stack passes through `func`
 * fails, once: the stacktrace filter (require-start/require-end, from
 * /proc/kallsyms) keeps every other allocation of the call working.
 */
export const FAIL_PAGE_ALLOC = [
  '/*',
  ' * Fault injection: fail_page_alloc fails the next page allocation of this',
  ' * task whose call stack passes through func, once (task-filter and the',
  ' * stacktrace filter: CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAULT_INJECTION_DEBUG_FS,',
  ' * CONFIG_FAULT_INJECTION_STACKTRACE_FILTER; debugfs mounted; root).',
  ' * Returns 0 when armed.',
  ' */',
  'static int luocheck_write(const char *path, const char *val)',
  '{',
  '\tint fd = open(path, O_WRONLY);',
  '\tint ok;',
  '',
  '\tif (fd < 0)',
  '\t\treturn -1;',
  '\tok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);',
  '\tclose(fd);',
  '\treturn ok ? 0 : -1;',
  '}',
  '',
  'static int luocheck_fail_page_alloc(const char *func)',
  '{',
  '\tstatic const char *const knob[][2] = {',
  '\t\t{ "task-filter", "Y" }, { "probability", "100" }, { "interval", "1" },',
  '\t\t{ "times", "1" }, { "ignore-gfp-wait", "N" }, { "ignore-gfp-highmem", "N" },',
  '\t\t{ "min-order", "0" }, { "stacktrace-depth", "32" },',
  '\t};',
  '\tunsigned long long addr, start = 0, end = 0;',
  '\tchar line[512], name[256], type, path[128], val[32];',
  '\tFILE *ks = fopen("/proc/kallsyms", "r");',
  '',
  '\tif (!ks)',
  '\t\treturn -1;',
  '\twhile (fgets(line, sizeof(line), ks)) {',
  '\t\tif (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3)',
  '\t\t\tcontinue;',
  '\t\tif (start && !end && addr > start)',
  '\t\t\tend = addr;',
  '\t\tif (!start && !strcmp(name, func))',
  '\t\t\tstart = addr;',
  '\t}',
  '\tfclose(ks);',
  '\tif (!start || !end)',
  '\t\treturn -1;',
  '\tfor (unsigned int i = 0; i < sizeof(knob) / sizeof(knob[0]); i++) {',
  '\t\tsnprintf(path, sizeof(path), "/sys/kernel/debug/fail_page_alloc/%s", knob[i][0]);',
  '\t\tif (luocheck_write(path, knob[i][1]))',
  '\t\t\treturn -1;',
  '\t}',
  '\tsnprintf(val, sizeof(val), "%llu", start);',
  '\tif (luocheck_write("/sys/kernel/debug/fail_page_alloc/require-start", val))',
  '\t\treturn -1;',
  '\tsnprintf(val, sizeof(val), "%llu", end);',
  '\tif (luocheck_write("/sys/kernel/debug/fail_page_alloc/require-end", val))',
  '\t\treturn -1;',
  '\treturn luocheck_write("/proc/self/make-it-fail", "1");',
  '}',
].join('\n');


/** Model IOVA slot n is iova_base + n * page_size in the test. */
export const iova = (slot: number) => `iova_base + ${slot} * page_size`;

export const SEAL_C: readonly (readonly [number, string])[] = [
  [F_SEAL_SEAL, 'F_SEAL_SEAL'],
  [F_SEAL_SHRINK, 'F_SEAL_SHRINK'],
  [F_SEAL_GROW, 'F_SEAL_GROW'],
  [F_SEAL_WRITE, 'F_SEAL_WRITE'],
];

export function sealsC(mask: number): string {
  const names = SEAL_C.filter(([v]) => mask & v).map(([, n]) => n);
  return names.length ? names.join(' | ') : '0';
}

export function fileC(f: FileRef): string {
  return f.kind === 'memfd' ? `memfd[${f.memfd}]` : f.kind === 'iommufd' ? 'self->fd' : `cdev_fd[${f.dev}]`;
}

export interface Call {
  readonly pre: readonly string[];
  readonly expr: string;
  /** Statements after a call that returned 0 (e.g. keep the fd it returned). */
  readonly post?: readonly string[];
}

/** The statements of each call, without the assertion on the call itself. */
export const call = {
  mapFile: (o: { ioas: number; memfd: number; page: number; iova: number }): Call => ({
    pre: [`struct iommu_ioas_map_file cmd = { .size = sizeof(cmd), .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE, .ioas_id = ioas_id[${o.ioas}], .fd = memfd[${o.memfd}], .start = ${o.page} * page_size, .length = page_size, .iova = ${iova(o.iova)} };`],
    expr: 'ioctl(self->fd, IOMMU_IOAS_MAP_FILE, &cmd)',
  }),
  unmap: (o: { ioas: number; iova: number }): Call => ({
    pre: [`struct iommu_ioas_unmap cmd = { .size = sizeof(cmd), .ioas_id = ioas_id[${o.ioas}], .iova = ${iova(o.iova)}, .length = page_size };`],
    expr: 'ioctl(self->fd, IOMMU_IOAS_UNMAP, &cmd)',
  }),
  destroy: (h: number): Call => ({ pre: [`struct iommu_destroy cmd = { .size = sizeof(cmd), .id = hwpt_id[${h}] };`], expr: 'ioctl(self->fd, IOMMU_DESTROY, &cmd)' }),
  attach: (dev: number, pt: string): Call => ({
    pre: [`struct vfio_device_attach_iommufd_pt cmd = { .argsz = sizeof(cmd), .pt_id = ${pt} };`],
    expr: `ioctl(cdev_fd[${dev}], VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd)`,
  }),
  detach: (dev: number): Call => ({ pre: ['struct vfio_device_detach_iommufd_pt cmd = { .argsz = sizeof(cmd) };'], expr: `ioctl(cdev_fd[${dev}], VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd)` }),
  mark: (h: number, token: number): Call => ({
    pre: [`struct iommu_hwpt_liveupdate_mark_preserve cmd = { .size = sizeof(cmd), .hwpt_id = hwpt_id[${h}], .hwpt_token = ${token} };`],
    expr: 'ioctl(self->fd, IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE, &cmd)',
  }),
  addSeals: (m: number, seals: number): Call => ({ pre: [], expr: `fcntl(memfd[${m}], F_ADD_SEALS, ${sealsC(seals)})` }),
  ftruncate: (m: number, pages: number): Call => ({ pre: [], expr: `ftruncate(memfd[${m}], ${pages} * page_size)` }),
  fallocate: (m: number, page: number, punch: boolean): Call => ({
    pre: [],
    expr: `fallocate(memfd[${m}], ${punch ? 'FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE' : '0'}, ${page} * page_size, page_size)`,
  }),
  preserveFd: (f: FileRef, token: number): Call => ({
    pre: [`struct liveupdate_session_preserve_fd cmd = { .size = sizeof(cmd), .fd = ${fileC(f)}, .token = ${token} };`],
    expr: 'ioctl(session_fd, LIVEUPDATE_SESSION_PRESERVE_FD, &cmd)',
  }),
  close: (): Call => ({ pre: [], expr: 'close(session_fd)' }),
  retrieveSession: (): Call => ({
    pre: ['struct liveupdate_ioctl_retrieve_session cmd = { .size = sizeof(cmd), .name = LUOCHECK_SESSION };'],
    expr: 'ioctl(lu_fd, LIVEUPDATE_IOCTL_RETRIEVE_SESSION, &cmd)',
    post: ['session_fd = cmd.fd;'],
  }),
  retrieveFd: (f: FileRef, token: number): Call => ({
    pre: [`struct liveupdate_session_retrieve_fd cmd = { .size = sizeof(cmd), .token = ${token} };`],
    expr: 'ioctl(session_fd, LIVEUPDATE_SESSION_RETRIEVE_FD, &cmd)',
    post: f.kind === 'iommufd' ? ['close(cmd.fd); /* this test rebuilds on the iommufd its fixture opened */'] : [`${fileC(f)} = cmd.fd;`, ...(f.kind === 'cdev' ? bindRetrieved(f.dev) : [])],
  }),
  hwptAlloc: (ioas: number, h: number, dev: number): Call => ({
    pre: [`struct iommu_hwpt_alloc cmd = { .size = sizeof(cmd), .dev_id = dev_id[${dev}], .pt_id = ioas_id[${ioas}] };`],
    expr: 'ioctl(self->fd, IOMMU_HWPT_ALLOC, &cmd)',
    post: [`hwpt_id[${h}] = cmd.out_hwpt_id;`],
  }),
  finish: (): Call => ({ pre: ['struct liveupdate_session_finish cmd = { .size = sizeof(cmd) };'], expr: 'ioctl(session_fd, LIVEUPDATE_SESSION_FINISH, &cmd)' }),
};

/** After RETRIEVE_FD of a cdev: bind it to this test's iommufd (the rebuild design; v2 refuses it). */
export function bindRetrieved(dev: number): string[] {
  return [
    `struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind), .iommufd = self->fd };`,
    `if (ioctl(cdev_fd[${dev}], VFIO_DEVICE_BIND_IOMMUFD, &bind))`,
    `\tSKIP(return, "the retrieved cdev does not bind to a new iommufd (v2 refuses it with EPERM until its phase 2)");`,
    `dev_id[${dev}] = bind.out_devid;`,
  ];
}

export function ok(c: Call): string[] {
  return [...c.pre, `ASSERT_EQ(0, ${c.expr});`, ...(c.post ?? [])];
}

export const braced = (lines: readonly string[]) => ['{', ...lines.map((l) => (l === '' ? '' : `\t${l}`)), '}'];


/** The code that ends the first half: a child holds the session fds until the kexec. */
export const HOLD = [
  '/* Hold the preserved state until the kexec: a child keeps the session fds open (the LUO selftests\' daemonize_and_wait()). */',
  'if (fork() == 0) {',
  '\tsetsid();',
  '\tfor (;;)',
  '\t\tpause();',
  '}',
];


export const inside = (what: string): KselftestStep => ({ comment: `inside ${what} issued at an earlier step` });

/** The token the file `f` was preserved with (the session files survive into the new kernel). */
export function tokenOf(s: State, f: FileRef): number | undefined {
  const id = fileId(f);
  return s.session.files.find((x) => x.file === id)?.token;
}

/** A step of reboot(KEXEC) or of the new kernel's boot: the end of the first half; the kexec is the reader's. */
export function kexecStep(a: Action): KselftestStep {
  if (a.type === 'liveupdate_reboot' && a.fail) return { kernel: 'kexec', code: HOLD, needs: 'fault injection to make a freeze callback fail during reboot(KEXEC): the kernel has no injection point for it' };
  const when = a.type === 'liveupdate_reboot' || a.type === 'kernel_kexec' ? 'inside reboot(KEXEC), issued by the reader after the before_kexec test' : 'during the new kernel\'s boot, before the after_kexec test runs';
  return { kernel: 'kexec', code: HOLD, comment: when };
}

/** The call builders, by name. */
export type KselftestCalls = typeof call;

/**
 * `--format kselftest` of every known-bug case on a small scenario scope,
 * in-process (model/iommufd/render/kselftest.ts and kselftest-kit.ts, and
 * the entry points' kselftest mappings): the counterexample comes from the
 * case's own exhaustive search and the command line's shrinking
 * (counterexamples.ts), the C from the same renderer `luocheck check
 * --format kselftest` calls. What test/render/iommufd-kselftest.test.ts
 * checks through the command line (with gcc), checked here fast enough for
 * the mutation run (vitest.mutate.config.ts): the setup built from the
 * scope, the file-scope handles, each ioctl issued once with the model's
 * result, the racing thread, the armed fault and the two halves of a kexec
 * test; and each case's C pinned by a snapshot.
 */
import { describe, expect, it } from 'vitest';
import { cIdent, kselftestSteps, MANUAL, planSteps } from '../../explorer/render/kselftest.js';
import { iommufdSpec } from '../../model/iommufd/index.js';
import { FAIL_PAGE_ALLOC, sealsC } from '../../model/iommufd/render/kselftest-kit.js';
import { SERIES_UAPI, handles, kselftestStep, newKernelSetup, setupBlock } from '../../model/iommufd/render/kselftest.js';
import type { IommufdScope } from '../../model/iommufd/scopes/scopes.js';
import type { Action, State } from '../../model/iommufd/state/types.js';
import { caseById, kselftestOf, reportOf, search, SMALL_VIOLATING, traceOf } from './counterexamples.js';
import { code, flat, count, inOrder } from './c-text.js';

const scopeOf = (id: string): IommufdScope => iommufdSpec.scopes[caseById(id).scope]!;

/** The steps' plan kinds of the case's C, as the renderer plans them. */
function planKinds(id: string): string[] {
  const r = reportOf(id);
  return planSteps(r.violations[0]!, kselftestSteps(search(id).model, r.violations[0]!)).plan.slice(1).map((p) => p.kind);
}

describe('--format kselftest in-process, every known-bug case on a small scope', () => {
  for (const c of SMALL_VIOLATING) {
    it(`${c.id}: one TEST_F per half named after ${c.invariant}, every step titled and mapped, the uapi once`, () => {
      const out = kselftestOf(c.id);
      const v = reportOf(c.id).violations[0]!;
      expect(v.invariant).toBe(c.invariant);
      const inv = cIdent(c.invariant!);
      const halves = count(out, 'TEST_F(');
      if (halves === 2) {
        expect(out).toContain(`TEST_F(luocheck_iommufd, ${inv}_before_kexec)`);
        expect(out).toContain(`TEST_F(luocheck_iommufd, ${inv}_after_kexec)`);
      } else {
        expect(halves).toBe(1);
        expect(out).toContain(`TEST_F(luocheck_iommufd, ${inv})\n{`);
      }
      for (const st of v.trace.slice(1)) expect(flat(out)).toContain(`${st.step}. ${st.process}: ${st.action}`);
      expect(flat(out)).not.toContain('which the iommufd kselftest mapping does not have');
      expect(flat(out)).not.toContain('the model gives no C for this step');
      expect(count(out, SERIES_UAPI)).toBe(1);
      expect(out).toContain(handles(scopeOf(c.id)));
      expect(flat(out)).toContain(`Here the model reaches the violation of ${c.invariant}`);
    });

    it(`${c.id}: the C is pinned`, () => {
      const out = kselftestOf(c.id);
      expect(out.replace(SERIES_UAPI, '<SERIES_UAPI>').replace(FAIL_PAGE_ALLOC, '<FAIL_PAGE_ALLOC>')).toMatchSnapshot();
    });
  }
});

describe('the setup and the handles come from the scope', () => {
  it('declares a handle array per kind of object, sized by the scope, and the session only where it is used (count-race)', () => {
    const h = handles(scopeOf('5.2-count-race'));
    // count-race: no memfd, one IOAS without areas, two HWPTs, no device (one opened to allocate the HWPTs against), a kexec
    expect(h.split('\n').slice(1)).toEqual([
      'static __u32 ioas_id[1];',
      'static __u32 hwpt_id[2];',
      'static int cdev_fd[1];',
      'static __u32 dev_id[1];',
      'static int lu_fd = -1, session_fd = -1;',
      '#define LUOCHECK_SESSION "luocheck"',
      '#define LUOCHECK_STAGE_SESSION "luocheck-stage" /* marks that the before_kexec test ran */',
    ]);
  });

  it('declares page_size, the IOVA base and the memfds where areas or maps exist, HWPT slots for the restore too (adopt-unverified)', () => {
    const sc = scopeOf('5.8-adopt-unverified');
    const h = handles(sc);
    expect(h).toContain('static long page_size;');
    expect(h).toContain('static __u64 iova_base = 1UL << 20; /* model IOVA slot n is iova_base + n * page_size */');
    expect(h).toContain(`static int memfd[${sc.memfds.length}];`);
    expect(h).toContain(`static __u32 hwpt_id[${sc.hwpts.length + sc.restoreSlots}];`);
    expect(h).toContain(`static int cdev_fd[${sc.devices.length}];`);
  });

  it('leaves out the session and the kexec marker in an old-kernel scope that never preserves (group-replace)', () => {
    const sc = scopeOf('5.9-group-replace');
    const h = handles(sc);
    expect(sc.phases).toBe('old-kernel');
    expect(h).not.toContain('lu_fd');
    expect(h).not.toContain('LUOCHECK_SESSION');
    expect(h).not.toContain('LUOCHECK_STAGE_SESSION');
    expect(h).not.toContain('page_size');
    expect(h).not.toContain('memfd[');
    expect(h).toContain(`static int cdev_fd[${sc.devices.length}];`);
    const setup = setupBlock(sc);
    expect(setup).not.toContain('page_size = sysconf');
    expect(setup).not.toContain('/dev/liveupdate');
    expect(setup).toContain(`const char *cdev_path[3] = { getenv("LUOCHECK_VFIO_CDEV1"), getenv("LUOCHECK_VFIO_CDEV2"), getenv("LUOCHECK_VFIO_CDEV3") };`);
    expect(setup).toContain('/* VFIO cdevs bound to this iommufd: device 1 in iommu_group 1, device 2 in iommu_group 1, device 3 in iommu_group 1. */');
  });

  it('builds every object of the scope in order: memfds with their seals, IOASes and areas, cdevs, HWPTs, attachments, marks, the session and its files (shared-ioas)', () => {
    const sc = iommufdSpec.scopes['shared-ioas']!;
    const setup = setupBlock(sc);
    expect(
      inOrder(setup, [
        "/* The scope's initial state, built before the trace's first step. */",
        'page_size = sysconf(_SC_PAGESIZE);',
        'memfd[0] = memfd_create("luocheck-memfd1", MFD_ALLOW_SEALING);',
        'ASSERT_NE(-1, memfd[0]);',
        `ASSERT_EQ(0, ftruncate(memfd[0], ${sc.memfds[0]!.pages} * page_size));`,
        'ASSERT_EQ(0, fcntl(memfd[0], F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW));',
        'ASSERT_EQ(0, ioctl(self->fd, IOMMU_IOAS_ALLOC, &cmd));',
        'ioas_id[0] = cmd.out_ioas_id;',
        '.ioas_id = ioas_id[0], .fd = memfd[0], .start = 0 * page_size, .length = page_size, .iova = iova_base + 0 * page_size };',
        'ASSERT_EQ(0, ioctl(self->fd, IOMMU_IOAS_MAP_FILE, &cmd));',
        '/* VFIO cdevs bound to this iommufd: device 1 in iommu_group 1, device 2 in iommu_group 2. */',
        'struct iommu_hwpt_alloc cmd = { .size = sizeof(cmd), .dev_id = dev_id[0], .pt_id = ioas_id[0] };',
        'hwpt_id[0] = cmd.out_hwpt_id;',
        'struct iommu_hwpt_alloc cmd = { .size = sizeof(cmd), .dev_id = dev_id[1], .pt_id = ioas_id[0] };',
        'hwpt_id[1] = cmd.out_hwpt_id;',
        'struct vfio_device_attach_iommufd_pt cmd = { .argsz = sizeof(cmd), .pt_id = hwpt_id[0] };',
        'ASSERT_EQ(0, ioctl(cdev_fd[0], VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd));',
        'struct vfio_device_attach_iommufd_pt cmd = { .argsz = sizeof(cmd), .pt_id = hwpt_id[1] };',
        'ASSERT_EQ(0, ioctl(cdev_fd[1], VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd));',
        '.hwpt_id = hwpt_id[0], .hwpt_token = 1 };',
        '.hwpt_id = hwpt_id[1], .hwpt_token = 2 };',
        'lu_fd = open("/dev/liveupdate", O_RDWR);',
        'SKIP(return, "no /dev/liveupdate: a kernel without CONFIG_LIVEUPDATE");',
        'ASSERT_EQ(0, ioctl(lu_fd, LIVEUPDATE_IOCTL_CREATE_SESSION, &cmd));',
        'session_fd = cmd.fd;',
        'struct liveupdate_session_preserve_fd cmd = { .size = sizeof(cmd), .fd = memfd[0], .token = 1 };',
        'ASSERT_EQ(0, ioctl(session_fd, LIVEUPDATE_SESSION_PRESERVE_FD, &cmd));',
      ]),
      setup,
    ).toBe(true);
    expect(count(setup, 'IOMMU_HWPT_ALLOC')).toBe(2);
    expect(count(setup, 'IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE')).toBe(2);
    expect(count(setup, 'VFIO_DEVICE_BIND_IOMMUFD')).toBe(1);
  });

  it('seals a memfd with only the seals it has, none for an unsealed one (map-in-flight, cached-seals)', () => {
    const setup = setupBlock(scopeOf('5.7-map-in-flight'));
    expect(setup).toContain('ASSERT_EQ(0, fcntl(memfd[1], F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW));');
    expect(setup).toContain('memfd[1] = memfd_create("luocheck-memfd2", MFD_ALLOW_SEALING);');
    const unsealed = setupBlock(scopeOf('5.3-cached-seals'));
    expect(unsealed).toContain('memfd[0] = memfd_create("luocheck-memfd1", MFD_ALLOW_SEALING);');
    expect(unsealed).not.toContain('F_ADD_SEALS');
    // no device in the scope: the HWPT is allocated against the one opened for it
    expect(unsealed).toContain('/* VFIO cdevs bound to this iommufd: device 1 (never attached). */');
    expect(unsealed).toContain('.dev_id = dev_id[0], .pt_id = ioas_id[0] };');
    expect(unsealed).not.toContain('VFIO_DEVICE_ATTACH_IOMMUFD_PT');
  });

  it("the new kernel's half opens /dev/liveupdate, checks the marker session and allocates the IOASes again", () => {
    const sc = scopeOf('5.8-adopt-unverified');
    const nk = newKernelSetup(sc);
    expect(
      inOrder(nk, [
        '/* After the kexec: the session comes back by name, its files by token. */',
        'page_size = sysconf(_SC_PAGESIZE);',
        'lu_fd = open("/dev/liveupdate", O_RDWR);',
        'struct liveupdate_ioctl_retrieve_session cmd = { .size = sizeof(cmd), .name = LUOCHECK_STAGE_SESSION };',
        'if (ioctl(lu_fd, LIVEUPDATE_IOCTL_RETRIEVE_SESSION, &cmd))',
        '\tSKIP(return, "not after a kexec that followed the before_kexec test");',
        'ASSERT_EQ(0, ioctl(self->fd, IOMMU_IOAS_ALLOC, &cmd));',
        'ioas_id[0] = cmd.out_ioas_id;',
      ]),
      nk,
    ).toBe(true);
    expect(count(nk, 'IOMMU_IOAS_ALLOC')).toBe(sc.ioas.length);
    // count-race has no memfd and no IOVA: the half starts by opening /dev/liveupdate
    expect(newKernelSetup(scopeOf('5.2-count-race')).split('\n').slice(0, 2)).toEqual(['/* After the kexec: the session comes back by name, its files by token. */', 'lu_fd = open("/dev/liveupdate", O_RDWR);']);
  });

  describe('what the handles and the setup declare, by what the scope holds and its menus issue', () => {
    const base = scopeOf('5.3-cached-seals');
    /** An old-kernel scope with nothing in it but what `over` adds. */
    const bare = (over: Partial<IommufdScope>): IommufdScope => ({ ...base, memfds: [], ioas: [{ areas: [] }], hwpts: [], devices: [], session: [], threads: [[]], ...over });
    const has = (sc: IommufdScope, line: string) => handles(sc).split('\n').includes(line);
    const IOVA = 'static __u64 iova_base = 1UL << 20; /* model IOVA slot n is iova_base + n * page_size */';
    const SESSION_FDS = 'static int lu_fd = -1, session_fd = -1;';

    it('opens no device without devices or HWPTs, one to allocate HWPTs (also new-kernel slots) against', () => {
      expect(handles(bare({}))).not.toContain('cdev_fd');
      // one IOAS and nothing else: its IOMMU_IOAS_ALLOC is the whole setup
      expect(setupBlock(bare({})).split('\n')).toEqual([
        "/* The scope's initial state, built before the trace's first step. */",
        '{',
        '\tstruct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };',
        '\tASSERT_EQ(0, ioctl(self->fd, IOMMU_IOAS_ALLOC, &cmd));',
        '\tioas_id[0] = cmd.out_ioas_id;',
        '}',
      ]);
      expect(has(bare({ hwpts: [{ ioas: 0 }] }), 'static int cdev_fd[1];')).toBe(true);
      expect(has(bare({ restoreSlots: 1 }), 'static int cdev_fd[1];')).toBe(true);
      expect(has(bare({ hwpts: [{ ioas: 0 }], restoreSlots: 1 }), 'static __u32 hwpt_id[2];')).toBe(true);
      expect(has(bare({ hwpts: [{ ioas: 0 }], restoreSlots: 1 }), 'static int cdev_fd[1];')).toBe(true);
      expect(has(bare({ devices: [{ group: 0 }, { group: 1 }], hwpts: [{ ioas: 0 }] }), 'static int cdev_fd[2];')).toBe(true);
    });

    it('uses IOVAs where an IOAS has an area or a menu maps or unmaps', () => {
      expect(has(bare({}), IOVA)).toBe(false);
      expect(handles(bare({}))).not.toContain('page_size');
      expect(setupBlock(bare({}))).not.toContain('page_size');
      expect(has(bare({ ioas: [{ areas: [] }, { areas: [{ iova: 0, memfd: 0, page: 0 }] }], memfds: [{ pages: 1, seals: [] }] }), IOVA)).toBe(true);
      expect(has(bare({ threads: [[{ op: 'unmap', ioas: 0, iova: 0 }]] }), IOVA)).toBe(true);
      expect(has(bare({ threads: [[{ op: 'unmap', ioas: 0, iova: 0 }]] }), 'static long page_size;')).toBe(true);
      expect(setupBlock(bare({ threads: [[{ op: 'unmap', ioas: 0, iova: 0 }]] }))).toContain('page_size = sysconf(_SC_PAGESIZE);');
      expect(has(bare({ threads: [[], [{ op: 'map_file', ioas: 0, memfd: 0, page: 0, iova: 1 }]], memfds: [{ pages: 1, seals: [] }] }), IOVA)).toBe(true);
      expect(has(bare({ threads: [[{ op: 'destroy', hwpt: 0 }]], hwpts: [{ ioas: 0 }] }), IOVA)).toBe(false);
      // a memfd alone needs the page size (its ftruncate), not the IOVA base
      expect(has(bare({ memfds: [{ pages: 1, seals: [] }] }), 'static long page_size;')).toBe(true);
      expect(has(bare({ memfds: [{ pages: 1, seals: [] }] }), IOVA)).toBe(false);
    });

    it('opens the session where the scope has files in it, a menu preserves or closes it, or the test crosses a kexec', () => {
      expect(has(bare({}), SESSION_FDS)).toBe(false);
      expect(setupBlock(bare({}))).not.toContain('/dev/liveupdate');
      const memfd = { memfds: [{ pages: 1, seals: [] as const }] };
      expect(has(bare({ ...memfd, session: [{ file: { kind: 'memfd', memfd: 0 }, token: 1 }] }), SESSION_FDS)).toBe(true);
      expect(has(bare({ threads: [[], [{ op: 'preserve_fd', file: { kind: 'iommufd' }, token: 1 }]] }), SESSION_FDS)).toBe(true);
      expect(has(bare({ threads: [[{ op: 'close_session' }]] }), SESSION_FDS)).toBe(true);
      expect(setupBlock(bare({ threads: [[{ op: 'close_session' }]] }))).toContain('ASSERT_EQ(0, ioctl(lu_fd, LIVEUPDATE_IOCTL_CREATE_SESSION, &cmd));');
      expect(has(bare({ threads: [[{ op: 'destroy', hwpt: 0 }]], hwpts: [{ ioas: 0 }] }), SESSION_FDS)).toBe(false);
      const kexec = bare({ phases: 'lifecycle', threads: [[{ op: 'destroy', hwpt: 0 }]], hwpts: [{ ioas: 0 }] });
      expect(has(kexec, SESSION_FDS)).toBe(true);
      expect(handles(kexec)).toContain('#define LUOCHECK_STAGE_SESSION "luocheck-stage"');
    });

    it('writes the seal mask 0 as 0', () => {
      expect(sealsC(0)).toBe('0');
      expect(sealsC(0xf)).toBe('F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE');
    });
  });
});

describe('the known-bug cases as C', () => {
  it('count race (5.2): the series uapi once, PRESERVE_FD once at P0, the DESTROY in a thread released right before it', () => {
    const c = kselftestOf('5.2-count-race');
    const body = code(c);
    const test = body.slice(body.indexOf('TEST_F('));
    expect(c).toContain('TEST_F(luocheck_iommufd, blob_count_matches)');
    expect(count(body, 'LIVEUPDATE_SESSION_PRESERVE_FD')).toBe(1);
    expect(count(body, 'ioctl(self->fd, IOMMU_DESTROY, &cmd)')).toBe(1);
    expect(c).toMatch(/struct liveupdate_session_preserve_fd cmd = \{ \.size = sizeof\(cmd\), \.fd = self->fd, \.token = 1 \};\n\t\tASSERT_EQ\(1, write\(luocheck_T2_during_step1_arg\.go\[1\], "", 1\)\); \/\* T2: go \*\/\n\t\tASSERT_EQ\(0, ioctl\(session_fd, LIVEUPDATE_SESSION_PRESERVE_FD, &cmd\)\);/);
    const fn = body.slice(body.indexOf('static void *luocheck_T2_during_step1(void *arg)'), body.indexOf('TEST_F('));
    expect(inOrder(fn, ['read(t->go[0], &go, 1)', 'struct iommu_destroy cmd = { .size = sizeof(cmd), .id = hwpt_id[1] };', 'ASSERT_EQ(0, ioctl(self->fd, IOMMU_DESTROY, &cmd));'])).toBe(true);
    expect(test).not.toContain('IOMMU_DESTROY');
    expect(flat(c)).toContain('9. T2: IOMMU_DESTROY hwpt2 (performed by code: in luocheck_T2_during_step1, a second thread released right before the call of step 1)');
    expect(flat(c)).toContain('the LIVEUPDATE_SESSION_PRESERVE_FD of the iommufd (token 1): iommufd_liveupdate_preserve runs P0-P4 inside it; returns 0 in the model when run alone here');
    for (const step of ['P1', 'P2', 'P3a', 'P3c_imm', 'P3c_check', 'P3c_domain', 'P3e', 'P4']) {
      expect(flat(c)).toMatch(new RegExp(`\\* \\d+\\. T1: iommufd_preserve ${step}: [^*]*\\(no userspace call: a step inside the kernel\\)`));
    }
    expect(planKinds('5.2-count-race')).toEqual(['code', 'inside', 'inside', 'inside', 'inside', 'inside', 'inside', 'inside', 'thread', 'inside']);
  });

  it('cached seals (5.3): MAP_FILE once at M1, the seals issued, and the PRESERVE_FD that fails here but returns 0 under fixed', () => {
    const c = kselftestOf('5.3-cached-seals');
    const body = code(c);
    expect(count(body, 'IOMMU_IOAS_MAP_FILE, &cmd')).toBe(1);
    expect(flat(c)).toMatch(/\* 2\. T1: IOAS_MAP_FILE M2 [^*]*\(no userspace call/);
    expect(flat(c)).toContain('IOMMU_IOAS_MAP_FILE; its steps M2-M4 follow; returns 0 in the model when run alone here');
    expect(flat(c)).toContain('inside the IOMMU_IOAS_MAP_FILE issued at an earlier step');
    expect(body).toContain('ASSERT_EQ(0, fcntl(memfd[0], F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW));');
    expect(body).toContain('ASSERT_EQ(0, fcntl(memfd[0], F_ADD_SEALS, F_SEAL_SEAL));');
    expect(body).toMatch(/\.fd = self->fd, \.token = 2 \};\n\t\tASSERT_NE\(0, ioctl\(session_fd, LIVEUPDATE_SESSION_PRESERVE_FD, &cmd\)\);/);
    expect(flat(c)).toContain('fails in the model when run alone here; with every switch as in fixed it returns 0');
    expect(body).toContain('struct liveupdate_session_preserve_fd cmd = { .size = sizeof(cmd), .fd = memfd[0], .token = 1 };\n\t\tASSERT_EQ(0, ioctl(session_fd, LIVEUPDATE_SESSION_PRESERVE_FD, &cmd));');
  });

  it('alloc failure (5.12): fail_page_alloc armed for kho_alloc_preserve right before the PRESERVE_FD, which must fail', () => {
    const c = kselftestOf('5.12-alloc-failure');
    const body = code(c);
    expect(count(c, FAIL_PAGE_ALLOC)).toBe(1);
    for (const inc of ['#include <stdio.h>', '#include <string.h>']) expect(count(c, inc)).toBe(1);
    const test = body.slice(body.indexOf('TEST_F('));
    expect(inOrder(test, ['if (luocheck_fail_page_alloc("kho_alloc_preserve"))', '\tSKIP(return, "cannot arm fail_page_alloc for kho_alloc_preserve (see luocheck_fail_page_alloc)");', 'ASSERT_NE(0, ioctl(session_fd, LIVEUPDATE_SESSION_PRESERVE_FD, &cmd));'])).toBe(true);
    expect(flat(c)).toContain('3. T1: iommufd_preserve P2: kho_alloc_preserve(blob) -> fails (performed by code: armed right before the call of step 1)');
    expect(flat(c)).toContain('inside the LIVEUPDATE_SESSION_PRESERVE_FD of the iommufd (token 1); performed by code: fail_page_alloc, armed just before that call, fails the page allocation of kho_alloc_preserve');
    expect(c).not.toContain(`${MANUAL}: 3.`);
    expect(planKinds('5.12-alloc-failure')).toEqual(['code', 'inside', 'armed']);
  });

  it('adopt unverified (5.8): two halves passing the session and the tokens through the kexec, the rebuild after it', () => {
    const c = kselftestOf('5.8-adopt-unverified');
    const body = code(c);
    const before = body.slice(body.indexOf('TEST_F(luocheck_iommufd, rebuilt_equals_preserved_before_kexec)'), body.indexOf('TEST_F(luocheck_iommufd, rebuilt_equals_preserved_after_kexec)'));
    const after = body.slice(body.indexOf('TEST_F(luocheck_iommufd, rebuilt_equals_preserved_after_kexec)'));
    expect(before.length).toBeGreaterThan(0);
    expect(inOrder(before, ['.name = LUOCHECK_SESSION', '.fd = memfd[0], .token = 1', '.name = LUOCHECK_STAGE_SESSION', 'SKIP(return, "a before_kexec test already holds its sessions for the kexec");', '.fd = self->fd, .token = 2', '.fd = cdev_fd[0], .token = 3', 'if (fork() == 0) {', '\tsetsid();', 'pause();'])).toBe(true);
    expect(inOrder(after, ['.name = LUOCHECK_STAGE_SESSION', 'SKIP(return, "not after a kexec', '.name = LUOCHECK_SESSION };', 'LIVEUPDATE_IOCTL_RETRIEVE_SESSION, &cmd));', 'session_fd = cmd.fd;', '.token = 1 };', 'memfd[0] = cmd.fd;', '.token = 3 };', 'cdev_fd[0] = cmd.fd;', 'struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind), .iommufd = self->fd };', 'if (ioctl(cdev_fd[0], VFIO_DEVICE_BIND_IOMMUFD, &bind))', 'dev_id[0] = bind.out_devid;', 'F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW', 'IOMMU_IOAS_MAP_FILE, &cmd', '.dev_id = dev_id[0], .pt_id = ioas_id[0] };', 'hwpt_id[1] = cmd.out_hwpt_id;', 'struct vfio_device_attach_iommufd_pt cmd = { .argsz = sizeof(cmd), .pt_id = hwpt_id[1] };'])).toBe(true);
    expect(after).not.toContain('LIVEUPDATE_IOCTL_CREATE_SESSION');
    const afterText = flat(c.slice(c.indexOf('TEST_F(luocheck_iommufd, rebuilt_equals_preserved_after_kexec)')));
    expect(afterText).toMatch(/\* 11\. reboot: reboot\(KEXEC\): freeze memfd1 \(no userspace call: a step inside the kernel\) inside reboot\(KEXEC\), issued by the reader after the before_kexec test/);
    expect(afterText).toMatch(/\* 14\. reboot: kexec: [^*]*\(no userspace call: a step inside the kernel\) inside reboot\(KEXEC\), issued by the reader after the before_kexec test/);
    expect(afterText).toMatch(/\* 17\. boot: B3 iommu_probe_device [^*]*\(no userspace call: a step inside the kernel\) during the new kernel's boot, before the after_kexec test runs/);
    expect(afterText).toContain('RETRIEVE_SESSION LIVEUPDATE_IOCTL_RETRIEVE_SESSION "luocheck"; returns 0 in the model when run alone here');
    expect(afterText).toContain('hot-swap: ATTACH_IOMMUFD_PT on the cdev moves its group off the restored domain; returns 0 in the model when run alone here; with every switch as in fixed it fails');
    // the second MAP_FILE of the same IOVA fails in the model
    expect(after).toMatch(/\.start = 0 \* page_size, [^\n]*\n\t\tASSERT_NE\(0, ioctl\(self->fd, IOMMU_IOAS_MAP_FILE, &cmd\)\);/);
    expect(flat(c)).toMatch(new RegExp(`${MANUAL}: kexec into the new kernel now, as root [^*]*, then run rebuilt_equals_preserved_after_kexec\\.`));
  });

  it('sanitize (a violation in the boot): a single test that ends with the kexec', () => {
    for (const id of ['sanitize-none', 'sanitize-ctx-only']) {
      const c = kselftestOf(id);
      expect(count(c, 'TEST_F(')).toBe(1);
      expect(c).toContain('TEST_F(luocheck_iommufd, ctx_sanitized)');
      expect(inOrder(code(c), ['.fd = memfd[0], .token = 1', 'if (fork() == 0) {'])).toBe(true);
      expect(inOrder(flat(c), [`${MANUAL}: kexec into the new kernel now`, '1. reboot: reboot(KEXEC): freeze memfd1', 'Here the model reaches the violation of ctx-sanitized'])).toBe(true);
      expect(planKinds(id).every((k) => k === 'kexec')).toBe(true);
    }
  });

  it('the other cases: the ops each issues, with the result the model gives', () => {
    const punch = kselftestOf('punch-hole');
    expect(code(punch)).toContain('fallocate(memfd[0], FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0 * page_size, page_size)');
    const shrink = code(kselftestOf('5.3b-shrink-live'));
    expect(shrink).toMatch(/ASSERT_EQ\(0, ftruncate\(memfd\[0\], \d \* page_size\)\);/);
    const replace = kselftestOf('5.9-group-replace');
    expect(code(replace)).toContain('ioctl(cdev_fd[0], VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd)');
    const unwind = kselftestOf('5.6-unwind-window');
    expect(code(unwind)).toContain('fail_page_alloc');
    expect(code(unwind)).toContain('if (luocheck_fail_page_alloc("iommu_domain_preserve"))');
    const finish = kselftestOf('5.10-finish-leave');
    expect(code(finish)).toContain('struct liveupdate_session_finish cmd = { .size = sizeof(cmd) };');
    expect(code(finish)).toContain('ioctl(session_fd, LIVEUPDATE_SESSION_FINISH, &cmd)');
  });
});

describe('the iommufd kselftest hook on steps the mapping does not turn into code', () => {
  /** A step of the case's trace and the state before it. */
  const at = (id: string, i: number): { a: Action; s: State } => ({ a: traceOf(id)[i]!.action!, s: traceOf(id)[i - 1]!.state });

  it('is the model hook, and a kexec step ends the first half holding the session', () => {
    const { model } = search('5.8-adopt-unverified');
    const { a, s } = at('5.8-adopt-unverified', 1);
    expect(model.kselftest(a, s)).toEqual(kselftestStep(model.ctx, a, s));
    const reboot = traceOf('5.8-adopt-unverified').findIndex((t) => t.action?.type === 'liveupdate_reboot');
    const k = kselftestStep(model.ctx, traceOf('5.8-adopt-unverified')[reboot]!.action!, traceOf('5.8-adopt-unverified')[reboot - 1]!.state);
    expect(k.kernel).toBe('kexec');
    expect(k.needs).toBeUndefined();
    expect(k.code).toContain('if (fork() == 0) {');
    expect(k.decls).toHaveLength(2);
    expect(k.decls![0]).toBe(setupBlock(model.ctx.scope));
    expect(k.decls![1]).toContain('.name = LUOCHECK_STAGE_SESSION };');
  });

  it('gives a new-kernel step the second half: the new-kernel setup, kernel "new"', () => {
    const { model } = search('5.8-adopt-unverified');
    const tr = traceOf('5.8-adopt-unverified');
    const i = tr.findIndex((t) => t.action?.type === 'luo_session_retrieve');
    const k = kselftestStep(model.ctx, tr[i]!.action!, tr[i - 1]!.state);
    expect(k.kernel).toBe('new');
    expect(k.decls).toEqual([newKernelSetup(model.ctx.scope)]);
    const old = kselftestStep(model.ctx, tr[1]!.action!, tr[0]!.state);
    expect(old.kernel).toBeUndefined();
    expect(old.decls).toEqual([setupBlock(model.ctx.scope)]);
    expect(old.globals).toEqual([SERIES_UAPI, handles(model.ctx.scope)]);
    expect(old.includes).toEqual(['<sys/mman.h>', '<linux/vfio.h>', '<linux/liveupdate.h>']);
  });

  it('makes a VMM step while reboot(KEXEC) freezes the files a marked comment, and an unknown action type one without code', () => {
    const { model } = search('5.8-adopt-unverified');
    const tr = traceOf('5.8-adopt-unverified');
    const i = tr.findIndex((t) => t.action?.type === 'liveupdate_reboot');
    // the state after the first freeze: reboot(KEXEC) is freezing the files
    const frozen = tr[i]!.state;
    const k = kselftestStep(model.ctx, tr[1]!.action!, frozen);
    expect(k.code).toBeUndefined();
    expect(k.needs).toBe('a second thread racing reboot(KEXEC): iommufd_liveupdate_preserve runs while the reboot freezes the preserved files');
    expect(k.decls).toEqual([setupBlock(model.ctx.scope)]);
    expect(k.includes).toEqual(['<sys/mman.h>', '<linux/vfio.h>', '<linux/liveupdate.h>']);
    expect(k.globals).toEqual([SERIES_UAPI, handles(model.ctx.scope)]);
    const odd = kselftestStep(model.ctx, { type: 'iommufd_something_new', pid: 0, idx: 0 } as unknown as Action, tr[0]!.state);
    expect(odd.code).toBeUndefined();
    expect(odd.needs).toBe('C for the action type iommufd_something_new, which the iommufd kselftest mapping does not have');
    expect(odd.globals).toEqual([SERIES_UAPI, handles(model.ctx.scope)]);
    expect(odd.decls).toEqual([setupBlock(model.ctx.scope)]);
    expect(odd.includes).toEqual(['<sys/mman.h>', '<linux/vfio.h>', '<linux/liveupdate.h>']);
    const oddKexec = kselftestStep(model.ctx, { type: 'something_at_boot', pid: -1, idx: -1 } as unknown as Action, tr[0]!.state);
    expect(oddKexec.needs).toBe('a kexec into the new kernel (something_at_boot is a step of reboot(KEXEC) or of the boot)');
    const untyped = kselftestStep(model.ctx, { pid: 0, idx: 0 } as unknown as Action, tr[0]!.state);
    expect(untyped.needs).toBe('C for the action type unknown, which the iommufd kselftest mapping does not have');
  });
});

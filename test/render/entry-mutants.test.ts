/**
 * Every step the model can take in a few small scopes, as a report and
 * `--format kselftest` show it, in-process: for every enabled action of
 * every reachable state, the entry point's label (model/iommufd/entry/) and
 * its kselftest mapping (render/kselftest.ts's `issue`: the call asserted
 * to return 0 or to fail as the model says when the thread runs alone, an
 * inner step a comment, an injected failure armed or marked). Beyond the
 * known-bug cases' traces (kselftest-mutants.test.ts) this reaches the ops
 * no counterexample has: DETACH, UNMAP, MARK_PRESERVE, the memfd ops that
 * change nothing, closing the session, the rehydrate restore, a hot-swap
 * to an IOAS, a freeze that fails. Each scope's distinct lines are pinned
 * by a snapshot; the assertions check what every line must say.
 */
import { describe, expect, it } from 'vitest';
import { iommufdSpec, type IommufdModel } from '../../model/iommufd/index.js';
import { label } from '../../model/iommufd/render/view.js';
import type { IommufdScope } from '../../model/iommufd/scopes/scopes.js';
import { fileId, FILE_IOMMUFD, type Action, type FileRef, type State } from '../../model/iommufd/state/types.js';
import type { KselftestStep } from '../../explorer/render/kselftest.js';
import { reachable, REHYDRATE } from './counterexamples.js';

const NO_FAIL = { domainPreserve: false, khoAlloc: false, lockObj: false, freeze: false };
const OLD = { phases: 'old-kernel', restoreSlots: 0, restore: [] } as const;
const MEMFD0: FileRef = { kind: 'memfd', memfd: 0 };
const scopes = iommufdSpec.scopes;

/** An old-kernel scope of two IOVAs with no failure injected. */
const oldKernel = (s: Omit<IommufdScope, 'phases' | 'restoreSlots' | 'restore' | 'iovas' | 'failures'>): IommufdScope => ({ ...OLD, iovas: 2, failures: NO_FAIL, ...s });
/** An old-kernel scope of one memfd in the session, nothing mapped, no HWPT or device. */
const memfdSession = (memfd: IommufdScope['memfds'][number], threads: IommufdScope['threads']): IommufdScope =>
  oldKernel({ memfds: [memfd], ioas: [{ areas: [] }], hwpts: [], devices: [], session: [{ file: MEMFD0, token: 1 }], threads });

/** Old kernel: the device and mapping ioctls no known-bug case issues (DETACH, ATTACH of a second device, MARK_PRESERVE, UNMAP). */
const DEVICE_OPS = oldKernel({
  memfds: [{ pages: 2, seals: [] }],
  ioas: [{ areas: [{ iova: 0, memfd: 0, page: 0 }] }],
  hwpts: [{ ioas: 0, token: 1 }, { ioas: 0 }],
  devices: [{ group: 0, hwpt: 0 }, { group: 1 }],
  session: [{ file: MEMFD0, token: 1 }],
  threads: [[{ op: 'detach', dev: 0 }, { op: 'attach', dev: 1, hwpt: 1 }, { op: 'mark_preserve', hwpt: 1, token: 5 }, { op: 'unmap', ioas: 0, iova: 0 }, { op: 'destroy', hwpt: 0 }]],
});

/**
 * Old kernel, two threads: T2 maps a page at an IOVA in use (MAP_FILE fails
 * at M2, -EEXIST) while T1 may unmap another IOVA: run alone, T2's call
 * fails whatever T1 does later.
 */
const TWO_THREADS = oldKernel({
  memfds: [{ pages: 2, seals: ['SEAL', 'GROW', 'SHRINK'] }],
  ioas: [{ areas: [{ iova: 0, memfd: 0, page: 0 }, { iova: 1, memfd: 0, page: 1 }] }],
  hwpts: [],
  devices: [],
  session: [],
  threads: [[{ op: 'unmap', ioas: 0, iova: 1 }], [{ op: 'map_file', ioas: 0, memfd: 0, page: 1, iova: 0 }]],
});

/** Old kernel: memfd ops that return 0 and change nothing (a page already there, the size it has, a seal it has), and closing the session. */
const NO_CHANGE_OPS = memfdSession({ pages: 2, seals: ['GROW'] }, [
  [{ op: 'fallocate', memfd: 0, page: 1, punch: false }, { op: 'ftruncate', memfd: 0, size: 2 }, { op: 'add_seals', memfd: 0, seals: 0x4 }, { op: 'close_session' }],
]);

/** Old kernel: ops that fail (a seal after F_SEAL_SEAL, a PRESERVE_FD of a file already preserved, a hole punched in a preserved memfd) beside ones that succeed. */
const REFUSED_OPS = memfdSession({ pages: 2, seals: [] }, [
  [{ op: 'add_seals', memfd: 0, seals: 0x1 }, { op: 'add_seals', memfd: 0, seals: 0x4 }, { op: 'ftruncate', memfd: 0, size: 1 }, { op: 'preserve_fd', file: MEMFD0, token: 2 }, { op: 'fallocate', memfd: 0, page: 0, punch: true }],
]);

/** finish-unclaimed whose new kernel's VMM hot-swaps the retrieved cdev to an auto domain on the IOAS (ATTACH_IOMMUFD_PT to an IOAS). */
const ATTACH_IOAS: IommufdScope = {
  ...scopes['finish-unclaimed']!,
  restoreSlots: 1,
  restore: [[{ op: 'retrieve_session' }, { op: 'retrieve_fd', file: { kind: 'cdev', dev: 0 } }, { op: 'attach_ioas', dev: 0, ioas: 0, hwpt: 1 }]],
};

/** Old kernel, two threads closing the one session fd: the second close finds the session closed. */
const TWO_CLOSES = memfdSession({ pages: 1, seals: [] }, [[{ op: 'close_session' }], [{ op: 'close_session' }]]);

const SWEEPS: readonly { name: string; scope: IommufdScope; set: Record<string, string> }[] = [
  { name: 'device ops (detach, attach, mark, unmap)', scope: DEVICE_OPS, set: {} },
  { name: 'memfd ops that change nothing, close the session', scope: NO_CHANGE_OPS, set: {} },
  { name: 'refused memfd ops', scope: REFUSED_OPS, set: {} },
  { name: 'a MAP_FILE that fails beside an UNMAP', scope: TWO_THREADS, set: {} },
  { name: 'two threads close the session', scope: TWO_CLOSES, set: {} },
  { name: 'count-race', scope: scopes['count-race']!, set: {} },
  { name: 'group-replace', scope: scopes['group-replace']!, set: {} },
  { name: 'map-in-flight', scope: scopes['map-in-flight']!, set: {} },
  { name: 'unwind-window', scope: scopes['unwind-window']!, set: {} },
  { name: 'lock-obj-failure, hwptCount=two-pass', scope: scopes['lock-obj-failure']!, set: { hwptCount: 'two-pass' } },
  { name: 'lock-obj-failure', scope: scopes['lock-obj-failure']!, set: {} },
  { name: 'mark-beside-preserve, hwptCount=two-pass', scope: scopes['mark-beside-preserve']!, set: { hwptCount: 'two-pass' } },
  { name: 'alloc-failure', scope: scopes['alloc-failure']!, set: {} },
  { name: 'adopt-unverified', scope: scopes['adopt-unverified']!, set: {} },
  { name: 'finish-unclaimed', scope: scopes['finish-unclaimed']!, set: {} },
  { name: 'rehydrate restore', scope: REHYDRATE, set: { restore: 'rehydrate' } },
  { name: 'hot-swap to an IOAS', scope: ATTACH_IOAS, set: {} },
  { name: 'partial-group, groupPreserve=whole', scope: scopes['partial-group']!, set: { groupPreserve: 'whole' } },
  { name: 'sanitize', scope: scopes['sanitize']!, set: {} },
];

/** One line of a step's kselftest C: its half, what it needs, its comment, the fault it arms and its code. */
function summary(h: KselftestStep): string {
  return [
    ...(h.kernel ? [`[${h.kernel}]`] : []),
    ...(h.needs ? [`needs: ${h.needs}`] : []),
    ...(h.comment ? [`// ${h.comment}`] : []),
    ...(h.arm ?? []).map((x) => `arm: ${x}`),
    ...(h.code ?? []),
    ...(h.includes && h.includes.length > 3 ? [`includes ${h.includes.slice(3).join(' ')}`] : []),
    ...(h.globals && h.globals.length > 2 ? [`${h.globals.length - 2} more globals`] : []),
  ].join(' | ');
}

interface Step {
  readonly s: State;
  readonly a: Action;
  readonly process: string;
  readonly label: string;
  readonly k: KselftestStep;
}

const swept = new Map<string, { model: IommufdModel; steps: readonly { s: State; a: Action }[] }>();

/**
 * Every enabled step of every reachable state of a sweep, with its label
 * and kselftest C. The states and actions are found once per file and
 * sweep; the label and the C are made on each call, inside the test that
 * asks (a renderer's mutant is then seen, and counted as reached, by every
 * test that reads them).
 */
function sweep(name: string): readonly Step[] {
  let hit = swept.get(name);
  if (hit === undefined) {
    const w = SWEEPS.find((x) => x.name === name)!;
    const { model, states } = reachable(w.scope, w.set);
    hit = { model, steps: states.flatMap((s) => model.actions(s).map((a) => ({ s, a }))) };
    swept.set(name, hit);
  }
  const { model } = hit;
  return hit.steps.map(({ s, a }) => ({ s, a, process: model.process(a), label: model.label(a), k: model.kselftest(a, s) }));
}

/** The step whose label is `l`, from the first state (in breadth-first order) where `where` holds. */
function stepOf(name: string, l: string, where: (s: State) => boolean = () => true): Step {
  const all = sweep(name);
  const st = all.find((x) => x.label === l && where(x.s));
  if (st === undefined) throw new Error(`no step "${l}" in sweep ${name}: ${[...new Set(all.map((x) => x.label))].join(' | ')}`);
  return st;
}

const RETURNS_0 = 'returns 0 in the model when run alone here';
const FAILS = 'fails in the model when run alone here';

describe('every step of a small scope: label and kselftest C', () => {
  for (const w of SWEEPS) {
    it(`${w.name}: every line says how the test performs the step, and the lines are pinned`, () => {
      const steps = sweep(w.name);
      expect(steps.length).toBeGreaterThan(0);
      for (const { s, a, process, label: l, k } of steps) {
        expect(label(a)).toBe(l);
        const what = `${process} ${l}`;
        if (a.pid < 0) {
          expect(k.kernel, what).toBe('kexec');
          expect(process, what).toMatch(/^(reboot|boot)$/);
          continue;
        }
        expect(process).toBe(`T${a.pid + 1}`);
        if (s.phase === 1) {
          expect(k.needs, what).toBe(`a second thread racing reboot(KEXEC): ${a.type} runs while the reboot freezes the preserved files`);
          continue;
        }
        expect(k.kernel, what).toBe(s.phase === 2 ? 'new' : undefined);
        if ('fail' in a && a.fail) {
          // an injected failure: armed through fail_page_alloc, or marked as what the test cannot do
          expect(k.code, what).toBeUndefined();
          expect(k.arm === undefined ? k.needs : k.arm[0], what).toMatch(/^(fault injection to make this step's call fail|if \(luocheck_fail_page_alloc\(")/);
          continue;
        }
        if (k.code === undefined) {
          if (k.needs === undefined) expect(k.comment, what).toMatch(/^inside /); // an inner step of a call issued earlier
          else expect(k.needs, what).toMatch(/^(IOMMU_HWPT_LU_RESTORE, an ioctl of the RFC design|the id of the restored HWPT|binding a non-VFIO driver to the device|the token of \S+, which is not in the session$)/);
          // a file the old kernel never preserved: no token to retrieve it by
          if (a.type === 'luo_retrieve_file') expect(s.session.files.map((f) => f.file), what).not.toContain(fileId(a.op.file));
          continue;
        }
        expect(k.needs, what).toBeUndefined();
        const call = k.code.filter((c) => /^ASSERT_(EQ|NE)\(0, /.test(c)).at(-1)!;
        expect(call, what).toBeDefined();
        // the assertion and the comment say the same result
        expect(k.comment, what).toContain(call.startsWith('ASSERT_EQ') ? RETURNS_0 : FAILS);
      }
      const lines = [...new Set(steps.map((x) => `${x.s.phase === 2 ? 'new ' : ''}${x.process} ${x.label} :: ${summary(x.k)}`))].sort();
      // how many states and steps: an entry point enabled where it must not be (or not where it must) changes them
      expect({ states: reachable(w.scope, w.set).states.length, steps: steps.length, lines }).toMatchSnapshot();
    });
  }
});

describe("the result each call asserts is the model's", () => {
  const NC = 'memfd ops that change nothing, close the session';
  const RF = 'refused memfd ops';

  it('a call that returns 0 and changes nothing is asserted to return 0 (a page already there, the size it has, a seal it has)', () => {
    const init = (s: State) => s.threads[0]!.done === 0;
    expect(stepOf(NC, 'fallocate memfd1 page 1', init).k.code).toEqual(['ASSERT_EQ(0, fallocate(memfd[0], 0, 1 * page_size, page_size));']);
    expect(stepOf(NC, 'ftruncate memfd1 to 2 pages', init).k.code).toEqual(['ASSERT_EQ(0, ftruncate(memfd[0], 2 * page_size));']);
    expect(stepOf(NC, 'F_ADD_SEALS memfd1 GROW', init).k.code).toEqual(['ASSERT_EQ(0, fcntl(memfd[0], F_ADD_SEALS, F_SEAL_GROW));']);
    expect(stepOf(NC, 'fallocate memfd1 page 1', init).k.comment).toBe(`fallocate (shmem_fallocate); ${RETURNS_0}`);
  });

  it('closing the session fd is one call, its later steps inside it', () => {
    const first = stepOf(NC, 'close session fd: unpreserve memfd1');
    expect(first.k.code).toEqual(['ASSERT_EQ(0, close(session_fd));']);
    expect(first.k.comment).toBe(`closing the session fd unpreserves its files, last first; ${RETURNS_0}`);
    expect(stepOf(NC, 'close session fd: session gone').k).toMatchObject({ comment: 'inside the close of the session fd issued at an earlier step' });
  });

  it('a close of the session fd after the other thread closed it is asserted to fail', () => {
    const W = 'two threads close the session';
    const closes = sweep(W).filter((x) => x.a.type === 'luo_session_release' && x.s.threads[x.a.pid]!.op === -1);
    expect(closes.map((x) => [x.s.session.open, x.k.code])).toEqual(expect.arrayContaining([
      [true, ['ASSERT_EQ(0, close(session_fd));']],
      [false, ['ASSERT_NE(0, close(session_fd));']],
    ]));
    for (const x of closes) expect(x.k.code).toEqual([x.s.session.open ? 'ASSERT_EQ(0, close(session_fd));' : 'ASSERT_NE(0, close(session_fd));']);
  });

  it('a seal after F_SEAL_SEAL, a PRESERVE_FD of a file already in the session and a hole punched in a preserved memfd are asserted to fail', () => {
    expect(stepOf(RF, 'fallocate memfd1 page 0 PUNCH_HOLE|KEEP_SIZE').k.code).toEqual(['ASSERT_NE(0, fallocate(memfd[0], FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0 * page_size, page_size));']);
    const sealed = (s: State) => (s.memfds[0]!.seals & 0x1) !== 0;
    expect(stepOf(RF, 'F_ADD_SEALS memfd1 GROW', sealed).k.code).toEqual(['ASSERT_NE(0, fcntl(memfd[0], F_ADD_SEALS, F_SEAL_GROW));']);
    expect(stepOf(RF, 'F_ADD_SEALS memfd1 GROW', (s) => !sealed(s)).k.code).toEqual(['ASSERT_EQ(0, fcntl(memfd[0], F_ADD_SEALS, F_SEAL_GROW));']);
    const dup = stepOf(RF, 'PRESERVE_FD memfd1 token 2 (memfd_luo_preserve)');
    expect(dup.k.code).toEqual(['struct liveupdate_session_preserve_fd cmd = { .size = sizeof(cmd), .fd = memfd[0], .token = 2 };', 'ASSERT_NE(0, ioctl(session_fd, LIVEUPDATE_SESSION_PRESERVE_FD, &cmd));']);
    expect(dup.k.comment).toBe(`LIVEUPDATE_SESSION_PRESERVE_FD (memfd_luo_preserve); ${FAILS}`);
  });

  it('the device and mapping ioctls no counterexample issues', () => {
    const D = 'device ops (detach, attach, mark, unmap)';
    const init = (s: State) => s.threads[0]!.done === 0;
    expect(stepOf(D, 'DETACH dev1', init).k.code).toEqual(['struct vfio_device_detach_iommufd_pt cmd = { .argsz = sizeof(cmd) };', 'ASSERT_EQ(0, ioctl(cdev_fd[0], VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd));']);
    expect(stepOf(D, 'IOAS_UNMAP ioas1 iova 0', init).k.code).toEqual(['struct iommu_ioas_unmap cmd = { .size = sizeof(cmd), .ioas_id = ioas_id[0], .iova = iova_base + 0 * page_size, .length = page_size };', 'ASSERT_EQ(0, ioctl(self->fd, IOMMU_IOAS_UNMAP, &cmd));']);
    expect(stepOf(D, 'MARK_PRESERVE hwpt2 token 5', init).k.code).toEqual(['struct iommu_hwpt_liveupdate_mark_preserve cmd = { .size = sizeof(cmd), .hwpt_id = hwpt_id[1], .hwpt_token = 5 };', 'ASSERT_EQ(0, ioctl(self->fd, IOMMU_HWPT_LIVEUPDATE_MARK_PRESERVE, &cmd));']);
    // IOMMU_DESTROY of the HWPT dev1 is attached to: -EBUSY (the thread's other ops, run after it, change nothing here)
    expect(stepOf(D, 'IOMMU_DESTROY hwpt1', init).k.code).toEqual(['struct iommu_destroy cmd = { .size = sizeof(cmd), .id = hwpt_id[0] };', 'ASSERT_NE(0, ioctl(self->fd, IOMMU_DESTROY, &cmd));']);
    expect(stepOf(D, 'ATTACH dev2 -> hwpt2', init).k.code).toEqual(['struct vfio_device_attach_iommufd_pt cmd = { .argsz = sizeof(cmd), .pt_id = hwpt_id[1] };', 'ASSERT_EQ(0, ioctl(cdev_fd[1], VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd));']);
  });

  it("a thread's call runs alone: another thread's step enabled meanwhile is not taken", () => {
    const st = stepOf('a MAP_FILE that fails beside an UNMAP', 'IOAS_MAP_FILE M1 iopt_alloc_file_pages (seals snapshot): ioas1 iova 0 -> memfd1[1]', (s) => s.threads[0]!.done === 0);
    expect(st.process).toBe('T2');
    expect(st.k.code!.at(-1)).toBe('ASSERT_NE(0, ioctl(self->fd, IOMMU_IOAS_MAP_FILE, &cmd));');
    expect(st.k.comment).toBe(`IOMMU_IOAS_MAP_FILE; its steps M2-M4 follow; ${FAILS}`);
  });

  it('a REPLACE to the HWPT the device is already on returns 0', () => {
    const G = 'group-replace';
    const same = sweep(G).filter((x) => x.a.type === 'iommufd_device_replace' && 'op' in x.a && x.a.op.op === 'replace' && x.s.devices[x.a.op.dev]!.hwpt === x.a.op.hwpt);
    expect(same.length).toBeGreaterThan(0);
    for (const x of same) expect(x.k.code!.at(-1)).toMatch(/^ASSERT_EQ\(0, ioctl\(cdev_fd\[\d\], VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd\)\);$/);
  });

  it('a MAP_FILE racing a preserve runs alone until the thread would wait for the lock the other holds', () => {
    const M = 'map-in-flight';
    const racing = sweep(M).filter((x) => x.a.type === 'iommufd_ioas_map_file' && 'step' in x.a && x.a.step === 'M1' && x.s.threads[0]!.op !== -1);
    expect(racing.length).toBeGreaterThan(0);
    for (const x of racing) expect(x.k.comment).toMatch(/^IOMMU_IOAS_MAP_FILE; its steps M2-M4 follow; (returns 0|fails) in the model when run alone here/);
  });

  it('the rehydrate ioctls are marked as the RFC design\'s, never made-up code', () => {
    const R = 'rehydrate restore';
    expect(stepOf(R, 'IOMMU_HWPT_LU_RESTORE token 1 -> hwpt2').k).toMatchObject({ kernel: 'new', needs: 'IOMMU_HWPT_LU_RESTORE, an ioctl of the RFC design that the v2 series does not have' });
    expect(stepOf(R, 'IOMMU_DESTROY hwpt2 (new kernel)').k.needs).toBe("the id of the restored HWPT, which only the RFC design's IOMMU_HWPT_LU_RESTORE gives userspace");
    const iommufd = stepOf(R, 'RETRIEVE_FD iommufd', (s) => s.session.files.some((f) => f.file === FILE_IOMMUFD));
    expect(iommufd.k.code).toContain('close(cmd.fd); /* this test rebuilds on the iommufd its fixture opened */');
  });

  it('a hot-swap to an IOAS attaches the cdev to the IOAS id', () => {
    const st = sweep('hot-swap to an IOAS').find((x) => x.a.type === 'iommufd_device_hotswap')!;
    expect(st.label).toBe('ATTACH dev1 -> ioas1 (auto domain hwpt2; hot-swap)');
    expect(st.k.code).toContain('struct vfio_device_attach_iommufd_pt cmd = { .argsz = sizeof(cmd), .pt_id = ioas_id[0] };');
  });

  it('a freeze that fails (groupPreserve=whole) ends the first half, marked: the kernel has no injection point for it', () => {
    const st = sweep('partial-group, groupPreserve=whole').find((x) => x.a.type === 'liveupdate_reboot' && 'fail' in x.a && x.a.fail)!;
    expect(st.k.kernel).toBe('kexec');
    expect(st.k.needs).toBe('fault injection to make a freeze callback fail during reboot(KEXEC): the kernel has no injection point for it');
    expect(st.k.code).toContain('if (fork() == 0) {');
  });
});

/**
 * How the iommufd model's state count grows: small lifecycle scopes that
 * differ from a base scope by one more device, one more HWPT or one more
 * VMM thread, so `npm run bench` can print the factor each addition
 * multiplies the distinct states by (measured, never written in).
 *
 * The base scope: one IOAS mapping one page of a sealed, preserved memfd;
 * one marked HWPT on it with device 0 attached; one VMM thread that
 * preserves the iommufd and the device's cdev; reboot(KEXEC); a new-kernel
 * VMM that retrieves the session, its memfd, the iommufd and the cdev,
 * reseals and maps the memfd, allocates a HWPT, hot-swaps the device onto
 * it and finishes. What each axis adds:
 *
 * - device k: device k in its own iommu_group, attached to hwpt 0, whose cdev
 *   the old-kernel thread preserves and the new kernel's VMM retrieves and
 *   hot-swaps;
 * - HWPT k: one more HWPT on the IOAS, marked with its own token and
 *   attached to nothing (the preserve walks it; after kexec nobody claims it);
 * - thread k: one more old-kernel VMM thread that tries IOMMU_DESTROY of
 *   hwpt 0 (-EBUSY while attached) and IOMMU_IOAS_UNMAP of the mapped page,
 *   racing the preserve.
 */
import type { IommufdScope } from '../model/iommufd/scopes/scopes.js';
import type { FileRef, Op } from '../model/iommufd/state/types.js';

const IOMMUFD: FileRef = { kind: 'iommufd' };
const MEMFD0: FileRef = { kind: 'memfd', memfd: 0 };
const cdev = (dev: number): FileRef => ({ kind: 'cdev', dev });

/** A lifecycle scope with `devices` devices, `hwpts` marked HWPTs and `threads` old-kernel VMM threads (each at least 1). */
export function growthScope(devices: number, hwpts: number, threads: number): IommufdScope {
  const devs = Array.from({ length: devices }, (_, d) => d);
  const slot = hwpts; // the new kernel's HWPT slots follow the old kernel's
  const racer: Op[] = [
    { op: 'destroy', hwpt: 0 },
    { op: 'unmap', ioas: 0, iova: 0 },
  ];
  return {
    phases: 'lifecycle',
    iovas: 2,
    memfds: [{ pages: 1, seals: ['SEAL', 'GROW', 'SHRINK'] }],
    ioas: [{ areas: [{ iova: 0, memfd: 0, page: 0 }] }],
    hwpts: Array.from({ length: hwpts }, (_, h) => ({ ioas: 0, token: 10 + h })),
    restoreSlots: 1,
    devices: devs.map((d) => ({ group: d, hwpt: 0 })),
    session: [{ file: MEMFD0, token: 1 }],
    threads: [
      [{ op: 'preserve_fd', file: IOMMUFD, token: 2 }, ...devs.map((d): Op => ({ op: 'preserve_fd', file: cdev(d), token: 3 + d }))],
      ...Array.from({ length: threads - 1 }, () => racer),
    ],
    restore: [
      [
        { op: 'retrieve_session' },
        { op: 'retrieve_fd', file: MEMFD0 },
        { op: 'add_seals', memfd: 0, seals: 0x7 },
        { op: 'retrieve_fd', file: IOMMUFD },
        ...devs.map((d): Op => ({ op: 'retrieve_fd', file: cdev(d) })),
        { op: 'map_file', ioas: 0, memfd: 0, page: 0, iova: 0 },
        { op: 'hwpt_alloc', ioas: 0, hwpt: slot },
        ...devs.map((d): Op => ({ op: 'replace', dev: d, hwpt: slot })),
        { op: 'finish' },
      ],
    ],
    failures: { domainPreserve: false, khoAlloc: false, lockObj: false, freeze: false },
  };
}

export type GrowthAxis = 'device' | 'HWPT' | 'thread';

/** Per axis, the scopes with 1, 2 and 3 of it (the other two at 1): the base scope is the first of each. */
export const GROWTH: Readonly<Record<GrowthAxis, readonly IommufdScope[]>> = {
  device: [1, 2, 3].map((n) => growthScope(n, 1, 1)),
  HWPT: [1, 2, 3].map((n) => growthScope(1, n, 1)),
  thread: [1, 2, 3].map((n) => growthScope(1, 1, n)),
};

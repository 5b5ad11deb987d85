/**
 * IOMMU_IOAS_MAP_FILE: one page of a memfd at a fixed IOVA, in four steps at
 * the kernel's lock boundaries (M1 iopt_alloc_file_pages, M2 insert the area
 * under iova_rwsem, M3 fill the domains under domains_rwsem read, M4 set
 * area.pages and unlock). In the new kernel the VMM maps a retrieved memfd,
 * once it sealed it again if its menu does.
 */
import type { Ctx } from '../../entry-point.js';
import { iommufdIoasMapFile } from '../../kernel/ioas.js';
import { menus } from '../../state/process.js';
import { io, mf } from '../../render/names.js';
import type { MapStep, State } from '../../state/types.js';
import type { ActionOf, Defined } from '../../entry-point.js';
import { inNewKernel, sessionReady } from '../common.js';

type A = ActionOf<'iommufd_ioas_map_file'>;

const MAP_TEXT = {
  M1: 'iopt_alloc_file_pages (seals snapshot)',
  M2: 'insert area, pages NULL (iova_rwsem)',
  M3: 'fill domains (domains_rwsem read)',
  M4: 'set area.pages, unlock',
} as const;

/**
 * The VMM maps a retrieved memfd only once it sealed it again, if its menu
 * does (memfd_luo hands the memfd back unsealed).
 */
function resealed(ctx: Ctx, s: State, pid: number, memfd: number): boolean {
  const m = menus(ctx.scope);
  const split = m.split[pid]!;
  const ops = m.ops[pid]!;
  for (let i = split; i < ops.length; i++) {
    const o = ops[i]!;
    if (o.op === 'add_seals' && o.memfd === memfd && (s.threads[pid]!.done & (1 << i)) === 0) return false;
  }
  return true;
}

export const iommufdIoasMapFileEntry = {
  type: 'iommufd_ioas_map_file',
  source: 'drivers/iommu/iommufd/ioas.c: iommufd_ioas_map_file',
  defines: [{
    name: 'map_file',
    doc: 'IOMMU_IOAS_MAP_FILE of page `page` of memfd `memfd` at IOVA slot `iova` of IOAS `ioas`',
    fields: { ioas: { kind: 'ioas' }, memfd: { kind: 'memfd' }, page: { kind: 'page' }, iova: { kind: 'iova' } },
    kernels: ['old', 'new'],
  }],
  serves: [{ op: 'map_file', kernel: 'old' }, { op: 'map_file', kernel: 'new' }],
  accepts: undefined,
  then: undefined,
  system: undefined,
  pcs: { M2: [], M3: [], M4: ['domains_rwsem'] },
  steps: ['M1', 'M2', 'M3', 'M4'],
  first(ctx, s, pid, idx, op): A[] {
    if (inNewKernel(s) && !(sessionReady(s) && s.memfds[op.memfd]!.retrieved && resealed(ctx, s, pid, op.memfd))) return [];
    return [{ pid, idx, type: 'iommufd_ioas_map_file', op, step: 'M1' }];
  },
  resume: (_ctx, _s, pid, t, op): A[] => [{ pid, idx: t.op, type: 'iommufd_ioas_map_file', op, step: t.pc as MapStep }],
  effect: (ctx, s, a) => iommufdIoasMapFile(ctx, s, a),
  label(a) {
    const o = a.op;
    return `IOAS_MAP_FILE ${a.step} ${MAP_TEXT[a.step]}: ${io(o.ioas)} iova ${o.iova} -> ${mf(o.memfd)}[${o.page}]`;
  },
  kselftest: (ctx, a, s, k) => (a.step === 'M1' ? k.issue(ctx, s, a, a.op, k.call.mapFile(a.op), 'IOMMU_IOAS_MAP_FILE; its steps M2-M4 follow') : k.inside('the IOMMU_IOAS_MAP_FILE')),
} satisfies Defined<A>;

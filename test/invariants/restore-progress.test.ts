import { expect, test } from 'vitest';
import { booted } from '../model/helpers-kexec.js';
import { find, inv, stepCheck, walk } from './helpers.js';

const MAP = (iova: number) => [`IOAS_MAP_FILE M1 iopt_alloc_file_pages (seals snapshot): ioas1 iova ${iova}`, 'IOAS_MAP_FILE M2', 'IOAS_MAP_FILE M3', 'IOAS_MAP_FILE M4'];
const REBUILD = ['RETRIEVE_SESSION', 'RETRIEVE_FD memfd1', 'F_ADD_SEALS memfd1', 'RETRIEVE_FD iommufd', 'RETRIEVE_FD cdev(dev1)', 'RETRIEVE_FD cdev(dev2)', ...MAP(0), ...MAP(1),
  'HWPT_ALLOC hwpt2', 'REPLACE dev1 -> hwpt2', 'REPLACE dev2 -> hwpt2'];

test('restore-progress: after a complete rebuild FINISH proceeds (fixed); v2 refuses it forever', () => {
  for (const [finish, want] of [['flr', null], ['refuse', /the session can never finish/]] as const) {
    const i = inv('restore-progress', { finish });
    const { m, s } = booted({ finish });
    if (i.kind !== 'step') throw new Error('kind');
    const early = walk(m, ['RETRIEVE_SESSION'], s);
    const a0 = find(m, early, 'SESSION_FINISH');
    expect(stepCheck(i, early, a0, m.nextState(early, a0))).toBeNull(); // nothing rebuilt yet: no promise
    const r = walk(m, REBUILD, s);
    const a = find(m, r, 'SESSION_FINISH');
    const n = m.nextState(r, a);
    if (want === null) {
      expect(n.nk.finished).toBe(true);
      expect(stepCheck(i, r, a, n)).toBeNull();
    } else expect(stepCheck(i, r, a, n)).toMatch(want);
  }
});

import { expect, test } from 'vitest';
import { booted } from '../model/helpers-kexec.js';
import { inv, walk } from './helpers.js';

const MAP = (iova: number) => [`IOAS_MAP_FILE M1 iopt_alloc_file_pages (seals snapshot): ioas1 iova ${iova}`, 'IOAS_MAP_FILE M2', 'IOAS_MAP_FILE M3', 'IOAS_MAP_FILE M4'];
const REBUILD = ['RETRIEVE_SESSION', 'RETRIEVE_FD memfd1', 'F_ADD_SEALS memfd1', 'RETRIEVE_FD iommufd', 'RETRIEVE_FD cdev(dev1)', 'RETRIEVE_FD cdev(dev2)', ...MAP(0), ...MAP(1),
  'HWPT_ALLOC hwpt2', 'REPLACE dev1 -> hwpt2', 'REPLACE dev2 -> hwpt2'];

test('restore-progress: after a complete rebuild FINISH can proceed (fixed); v2 refuses forever', () => {
  for (const [finish, want] of [['flr', null], ['refuse', /the session can never finish/]] as const) {
    const i = inv('restore-progress', { finish });
    const { m, s } = booted({ finish });
    if (i.kind !== 'progress') throw new Error('kind');
    expect(i.check(s)).toBeNull(); // nothing rebuilt yet: no promise
    const r = walk(m, REBUILD, s);
    if (want === null) expect(i.check(r)).toBeNull();
    else expect(i.check(r)).toMatch(want);
  }
});

import { expect, test } from 'vitest';
import { booted } from '../model/helpers-kexec.js';
import { find, inv, stepCheck, walk } from './helpers.js';

const MAP = (iova: number) => [`IOAS_MAP_FILE M1 iopt_alloc_file_pages (seals snapshot): ioas1 iova ${iova}`, 'IOAS_MAP_FILE M2', 'IOAS_MAP_FILE M3', 'IOAS_MAP_FILE M4'];

test('rebuilt-equals-preserved: an equal tree may replace the restored domain, a different one may not', () => {
  const i = inv('rebuilt-equals-preserved');
  const { m, s } = booted({ verify: 'trust' });
  const ready = walk(m, ['RETRIEVE_SESSION', 'RETRIEVE_FD memfd1', 'F_ADD_SEALS memfd1', 'RETRIEVE_FD cdev(dev1)', ...MAP(0), ...MAP(1), 'HWPT_ALLOC hwpt2'], s);
  const a = find(m, ready, 'REPLACE dev1 -> hwpt2');
  expect(stepCheck(i, ready, a, m.nextState(ready, a))).toBeNull();
  const short = walk(m, ['RETRIEVE_SESSION', 'RETRIEVE_FD memfd1', 'F_ADD_SEALS memfd1', 'RETRIEVE_FD cdev(dev1)', ...MAP(0), 'HWPT_ALLOC hwpt2'], s);
  const b = find(m, short, 'REPLACE dev1 -> hwpt2');
  expect(stepCheck(i, short, b, m.nextState(short, b))).toMatch(/moved from the restored domain of hwpt1 to hwpt2, whose radix tree differs/);
});

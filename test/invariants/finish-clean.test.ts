import { expect, test } from 'vitest';
import { booted } from '../model/helpers-kexec.js';
import { inv, stateCheck, walk } from './helpers.js';

const UNCLAIMED = ['RETRIEVE_SESSION', 'RETRIEVE_FD memfd1', 'RETRIEVE_FD cdev(dev1)', 'SESSION_FINISH'];

test('finish-clean: flr passes; leave keeps a restored domain; blocking skips the FLR of the unclaimed device', () => {
  const i = inv('finish-clean');
  for (const [finish, want] of [
    ['flr', null],
    ['leave', /group 2 is still on a restored domain, owned by the dead token/],
    ['blocking', /dev2 \(cdev never reclaimed\) is bus mastering through a context entry that is not present: its in-flight DMA faults/],
  ] as const) {
    const { m, s } = booted({ finish });
    expect(stateCheck(i, s), finish).toBeNull(); // not finished yet
    const f = walk(m, UNCLAIMED, s);
    if (want === null) expect(stateCheck(i, f)).toBeNull();
    else expect(stateCheck(i, f), finish).toMatch(want);
  }
});

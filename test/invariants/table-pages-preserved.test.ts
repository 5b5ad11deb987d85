import { expect, test } from 'vitest';
import { domainMap, domainPreserve, domainUnmap } from '../../model/iommufd/kernel/hw_pagetable.js';
import { inv, modelFor, stateCheck, withHwpt } from './helpers.js';

test('holds: a preserved domain with every table page marked', () => {
  const s = withHwpt(modelFor('map-in-flight').initStates()[0]!, 0, (h) => ({ ...h, domain: domainPreserve(h.domain) }));
  expect(stateCheck(inv('table-pages-preserved'), s)).toBeNull();
});

test('violated: a new unmarked table page in a preserved domain, or a marked page freed', () => {
  const s = withHwpt(modelFor('map-in-flight').initStates()[0]!, 0, (h) => ({ ...h, domain: domainPreserve(h.domain) }));
  const grown = withHwpt(s, 0, (h) => ({ ...h, domain: domainMap(h.domain, 2, 8) }));
  expect(stateCheck(inv('table-pages-preserved'), grown)).toMatch(/not KHO-marked \(mask 4\)/);
  const freed = withHwpt(s, 0, (h) => ({ ...h, domain: domainUnmap(h.domain, 0) }));
  expect(stateCheck(inv('table-pages-preserved'), freed)).toMatch(/freed while KHO-marked/);
});

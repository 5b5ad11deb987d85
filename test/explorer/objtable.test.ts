import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/search/bfs.js';
import { ObjtableModel } from '../../bench/objtable.js';
import { objtableInvariants } from '../../bench/objtable-invariants.js';

// bench/MODEL.md section 7: exact counts every correct explorer reports.
const TABLE: [number, number, number, number, number][] = [
  [2, 2, 1, 63, 100],
  [3, 3, 2, 1612, 3345],
  [4, 3, 2, 14448, 34652],
  [4, 4, 4, 44720, 108848],
  [5, 3, 2, 116369, 315985],
  [5, 4, 4, 540850, 1512550],
];

describe('objtable benchmark model', () => {
  for (const [P, K, M, states, edges] of TABLE) {
    it(`P,K,M = ${P},${K},${M}: ${states} states, ${edges} edges, invariants hold`, () => {
      const scope = { P, K, M };
      const r = explore(new ObjtableModel(scope), objtableInvariants(scope));
      expect(r.result).toBe('ok');
      expect(r.distinctStates).toBe(states);
      expect(r.transitions).toBe(edges);
      expect(r.witnesses.every((w) => w.reached)).toBe(true);
    });
  }
});

/**
 * The small scopes `npm run bench` measures the state growth on
 * (bench/iommufd-growth.ts): each parses as a scope file, each step of an
 * axis adds exactly one device, HWPT or thread, and each is explored to the
 * end under fixed without a violation (so the bench divides complete counts).
 */
import { describe, expect, test } from 'vitest';
import { GROWTH } from '../../bench/iommufd-growth.js';
import { iommufdSpec } from '../../model/iommufd/index.js';
import type { IommufdScope } from '../../model/iommufd/scopes/scopes.js';
import { run } from './helpers.js';

describe('the growth scopes of npm run bench', () => {
  const size: Record<keyof typeof GROWTH, (s: IommufdScope) => number> = { device: (s) => s.devices.length, HWPT: (s) => s.hwpts.length, thread: (s) => s.threads.length };
  for (const [axis, scopes] of Object.entries(GROWTH) as [keyof typeof GROWTH, readonly IommufdScope[]][]) {
    test(`${axis}: parse as scope files, add one ${axis} a step, explore to the end without a violation, and grow`, () => {
      expect(scopes.map(size[axis])).toEqual([1, 2, 3]);
      const counts = scopes.map((s) => {
        expect(iommufdSpec.parseScope(JSON.parse(JSON.stringify(s)))).toEqual(s);
        const { result } = run(s);
        expect(result.result).toBe('ok');
        return result.distinctStates;
      });
      expect(counts[1]).toBeGreaterThan(counts[0]!);
      expect(counts[2]).toBeGreaterThan(counts[1]!);
    });
  }
});

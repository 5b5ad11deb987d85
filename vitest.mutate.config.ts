import { defineConfig } from 'vitest/config';

/**
 * The tests `npm run mutate` (stryker.config.mjs) runs against each mutant:
 * the unit and property tests that finish in seconds, and the known-bug
 * cases with LUOCHECK_MUTATE=1 (which leaves out those on the `ci` scope, a
 * minute each). The CLI, browser and e2e suites, and the tests that explore
 * ci in full, stay in `npm test`.
 */
process.env['LUOCHECK_MUTATE'] = '1';

export default defineConfig({
  test: {
    include: [
      'test/invariants/*.test.ts',
      'test/model/{cases,device,hw_pagetable,ioas,kexec,liveupdate,luo,main,memfd,rebuild,scope-parse}.test.ts',
      'test/explorer/{bfs,fingerprint,parallel,reductions}.test.ts',
    ],
    // explore ci in full (up to a minute each): left to npm test
    exclude: ['test/invariants/index.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});

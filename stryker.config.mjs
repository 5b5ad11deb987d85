// @ts-check
/**
 * Mutation testing (`npm run mutate`, nightly; not in .ci/run: too slow).
 * Mutates the iommufd model, the invariants and the engine's visited set,
 * fingerprint, frontier, parallel search and shrinker, and runs the fast
 * unit tests of vitest.mutate.config.ts against each mutant (per-test
 * coverage: only the tests that reach a mutant run for it). One mutant at a
 * time: the machines are shared.
 *
 * Incremental: the results are kept in reports/ (ignored by git and by
 * Stryker's sandbox), and the next run tests again only the mutants whose
 * code or covering tests changed. `--force` runs them all.
 *
 * One file at a time (docs/ci.md, "Mutation testing"):
 *   LUOCHECK_MUTATE_TESTS=test/explorer/bfs.test.ts npx stryker run \
 *     --mutate explorer/search/frontier.ts --incrementalFile reports/incremental/frontier.json
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'model/iommufd/**/*.ts',
    'invariants/**/*.ts',
    'explorer/search/visited.ts',
    'explorer/search/fingerprint.ts',
    'explorer/search/frontier.ts',
    'explorer/search/parallel.ts',
    'explorer/traces/shrink.ts',
  ],
  // not needed by the tests; copying them to the sandbox only costs time
  // (docs/ is: the declared state's test compares docs/state.md, the link
  // test reads the documents)
  ignorePatterns: ['coverage', 'out', '*.log'],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 1,
  timeoutMS: 60_000,
  // The first run, with every mutant's switch instrumented, took over
  // Stryker's default 5 minutes on a busy two-core machine.
  dryRunTimeoutMinutes: 60,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  thresholds: { high: 85, low: 75, break: null },
};

import { defineConfig } from 'vitest/config';

// .ci/run asks for a JSON summary beside the usual report, to print the
// plain "Tests: N passed, N failed" closing line.
const json = process.env['LUOCHECK_VITEST_JSON'];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // No clock in a test: no test asserts a duration, and the timeouts are
    // far beyond any run, so a busy machine slows the suite but never fails it.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // Says at the end whether the browser tests, the kernel-tree compile and
    // the SPIN cross-check ran, or why they were skipped.
    globalSetup: ['test/browser/announce.ts', 'test/render/kernel-announce.ts', 'test/bench/spin-announce.ts'],
    reporters: json ? ['default', ['json', { outputFile: json }]] : ['default'],
  },
});

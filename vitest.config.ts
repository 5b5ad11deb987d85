import { defineConfig } from 'vitest/config';

// .ci/run asks for a JSON summary beside the usual report, to print the
// plain "Tests: N passed, N failed" closing line.
const json = process.env['LUOCHECK_VITEST_JSON'];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Says at the end whether the browser tests ran or why they were skipped.
    globalSetup: ['test/browser/announce.ts'],
    reporters: json ? ['default', ['json', { outputFile: json }]] : ['default'],
  },
});

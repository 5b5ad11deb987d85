import { defineConfig } from 'vitest/config';

/**
 * The tests `npm run mutate` (stryker.config.mjs) runs against each mutant:
 * the unit and property tests that finish in seconds, and the known-bug
 * cases with LUOCHECK_MUTATE=1 (which leaves out those on the `ci` scope, a
 * minute each). The CLI, browser and e2e suites, and the tests that explore
 * ci in full, stay in `npm test`.
 *
 * LUOCHECK_MUTATE_TESTS narrows the set to a comma-separated list of globs,
 * for a run on one file (docs/ci.md, "Mutation testing"): the dry run then
 * costs seconds instead of a minute.
 */
process.env['LUOCHECK_MUTATE'] = '1';

const ALL = [
  'test/invariants/*.test.ts',
  'test/model/{cases,device,hw_pagetable,ioas,kexec,liveupdate,luo,main,memfd,rebuild,scope-parse}.test.ts',
  // the open model (extensions, the registry, the declared state) and the model's limits
  'test/model/{extension,registry,state-schema,model-limits,partial-group}.test.ts',
  'test/explorer/{bfs,fingerprint,parallel,reductions}.test.ts',
  // The renderers' tests (kselftests, mails, ITF: 5-20 s a file) are not
  // here: they reach every transition, so each surviving mutant of the
  // kernel would run them all. model/iommufd/render/ is measured on its own
  // with them (docs/ci.md, "Mutation testing").
  'test/render/shrink-race.test.ts',
  // tests written to kill surviving mutants
  'test/**/*-mutants.test.ts',
];
const only = process.env['LUOCHECK_MUTATE_TESTS'];

export default defineConfig({
  test: {
    include: only ? only.split(',').map((g) => g.trim()) : ALL,
    exclude: [
      // explore ci in full (up to a minute each): left to npm test
      'test/invariants/index.test.ts',
      // reads source files as text (import and field checks): no mutant of a
      // transition can change its verdict, and the instrumented copy is not
      // the source it means
      'test/invariants/neutral-imports.test.ts',
    ],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // One module graph for every test file of a run, instead of one per
    // file: with Stryker's mutant switching (schemata) a module need not be
    // loaded again per mutant, and loading it was most of a mutant's time:
    // model/iommufd/kernel/finish.ts's 125 mutants took 52 s instead of 84
    // s, with the same mutants killed, surviving and timed out (docs/ci.md).
    // The whole set passes this way. One kind of module state is shared:
    // a test that deep-freezes a state (test/model/helpers.ts) freezes the
    // model's constants in it (NO_BLOB) for the files after it, so a test
    // that needs a state unfrozen works on a copy (strict-mutants).
    isolate: false,
  },
});

/**
 * vitest global setup: says at the end of the run, plainly, whether SPIN ran
 * the benchmark model beside luocheck (test/bench/spin.test.ts) or why not.
 */
import { SPIN_MISSING } from './spin-tool.js';

export default function setup(): () => void {
  return () => {
    process.stdout.write(
      SPIN_MISSING
        ? `\nSPIN cross-check of the benchmark model: SKIPPED, ${SPIN_MISSING}\n`
        : '\nSPIN cross-check of the benchmark model: ran bench/spin/run.sh\n',
    );
  };
}

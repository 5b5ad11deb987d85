/**
 * vitest global setup: says at the end of the run, plainly, whether the
 * kselftest output was compiled against a kernel tree
 * (test/render/kselftest-kernel.test.ts) or why those tests were skipped.
 */
import { findTree } from './kernel-tree.js';

export default function setup(): () => void {
  return () => {
    const { tree, why } = findTree();
    process.stdout.write(
      tree
        ? `\nKernel-tree kselftest compile: against linux ${tree.version} headers (${tree.headers}) and ${tree.selftests}/kselftest_harness.h\n`
        : `\nKernel-tree kselftest compile: SKIPPED, ${why}\n`,
    );
  };
}

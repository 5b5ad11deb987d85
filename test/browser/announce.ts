/**
 * vitest global setup: says at the end of the run, plainly, whether the
 * browser tests (test/browser/browser.test.ts) ran or were skipped, and why.
 * The browser tests append a line per test they ran to the file named by
 * LUOCHECK_BROWSER_MARK (set here; the test workers inherit it).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, HAVE_BROWSER, SKIP_REASON } from './chromium.js';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'luocheck-browser-'));
  const mark = join(dir, 'ran');
  process.env['LUOCHECK_BROWSER_MARK'] = mark;
  return () => {
    const ran = existsSync(mark) ? readFileSync(mark, 'utf8').split('\n').filter(Boolean).length : 0;
    rmSync(dir, { recursive: true, force: true });
    if (ran > 0) process.stdout.write(`\nBrowser tests: ${ran} ran in ${CHROMIUM}; screenshots in reports/browser/\n`);
    else if (!HAVE_BROWSER) process.stdout.write(`\nBrowser tests: SKIPPED, ${SKIP_REASON}\n`);
  };
}

/**
 * The browser the browser tests drive: Debian's Chromium (apt-get install
 * chromium), or the one LUOCHECK_CHROMIUM names; puppeteer-core never
 * downloads one. Without it the browser tests are skipped with this reason,
 * unless LUOCHECK_REQUIRE_BROWSER=1 (set by .ci/run), which makes them fail.
 */
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

export const CHROMIUM = process.env['LUOCHECK_CHROMIUM'] ?? '/usr/bin/chromium';
export const HAVE_BROWSER = existsSync(CHROMIUM);
export const REQUIRE_BROWSER = process.env['LUOCHECK_REQUIRE_BROWSER'] === '1';
export const SKIP_REASON = `no Chromium at ${CHROMIUM} (apt-get install chromium, or set LUOCHECK_CHROMIUM)`;

/** Screenshots go here (reports/ is in .gitignore; CI keeps it as an artifact). */
export const SHOTS = join('reports', 'browser');

export function shot(name: string): string {
  mkdirSync(SHOTS, { recursive: true });
  return join(SHOTS, name);
}

export function launch(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // No clock in a test: a busy machine may take its time to start the browser.
    timeout: 0,
    protocolTimeout: 600_000,
    // Root in a container has no user namespace sandbox; /dev/shm may be small.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--no-default-browser-check'],
  });
}

/** Notes for the end-of-run line (test/browser/announce.ts) that a browser test ran. */
export function markRan(name: string): void {
  const mark = process.env['LUOCHECK_BROWSER_MARK'];
  if (mark) appendFileSync(mark, `${name}\n`);
}

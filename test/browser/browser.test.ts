/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Browser tests in a real browser (Debian's Chromium, driven by
 * puppeteer-core): the html report of the count-race case (both lanes, the
 * marked racing pair, every step's diff against the json report, the state
 * tree), and the explorer (reaching the violation by clicking enabled
 * actions, back and forward, the shareable path, a loaded trace). Each
 * leaves a screenshot in reports/browser/. Without a browser they are
 * skipped with the reason (chromium.ts), and the run's last line says so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { main, type Io } from '../../explorer/cli/cli.js';
import { diff, show } from '../../explorer/traces/diff.js';
import type { Report } from '../../explorer/traces/report.js';
import { HAVE_BROWSER, REQUIRE_BROWSER, SKIP_REASON, launch, markRan, shot } from './chromium.js';

const LONG = 600_000;
const tmp = mkdtempSync(join(tmpdir(), 'luocheck-browser-'));

function check(...argv: string[]): void {
  const io: Io = { out: () => {}, err: () => {}, isTTY: false };
  main(['check', '--scope', 'count-race', '--variant', 'v2', ...argv], io);
}

interface Row { path: string; before: string; after: string }

/** The diff rows of step i of the report, as the pages show them. */
function expected(r: Report, i: number): Row[] {
  const v = r.violations[0]!;
  return diff(v.trace[i - 1]!.state, v.trace[i]!.state).map((c) => ({ path: c.path, before: show(c.before), after: show(c.after) }));
}

const rowsIn = (page: Page, sel: string) =>
  page.$$eval(sel, (els) => els.map((e) => ({ path: (e as HTMLElement).dataset['path']!, before: (e as HTMLElement).dataset['before']!, after: (e as HTMLElement).dataset['after']! })));

/** Starts `luocheck explore` (the built program) and resolves with its address once it prints it. */
function startExplore(...argv: string[]): Promise<{ child: ChildProcess; url: string; out: () => string }> {
  const child = spawn(process.execPath, [resolve('dist/explorer/cli/luocheck.js'), 'explore', ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((ok, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) ok({ child, url: m[1]!, out: () => out });
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => fail(new Error(`luocheck explore exited ${code}: ${err}`)));
  });
}

/** SIGINT, then the exit code and everything it printed. */
function stop(x: { child: ChildProcess; out: () => string }): Promise<{ code: number | null; out: string }> {
  return new Promise((ok) => {
    x.child.removeAllListeners('exit');
    x.child.on('exit', (code) => ok({ code, out: x.out() }));
    x.child.kill('SIGINT');
  });
}

const waitPath = (page: Page, path: string) =>
  page.waitForFunction((p) => document.body.dataset['path'] === p, { timeout: 0 }, path);

if (!HAVE_BROWSER && REQUIRE_BROWSER) {
  it(`a browser is required here (LUOCHECK_REQUIRE_BROWSER=1), but there is ${SKIP_REASON}`, () => {
    expect.fail(SKIP_REASON);
  });
}

describe.skipIf(!HAVE_BROWSER)(HAVE_BROWSER ? 'in Chromium' : `browser tests skipped: ${SKIP_REASON}`, () => {
  let browser: Browser;
  let report: Report;
  const html = join(tmp, 'r.html');
  const json = join(tmp, 'r.json');

  beforeAll(async () => {
    check('--format', 'html', '--out', html);
    check('--format', 'json', '--out', json);
    report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    browser = await launch();
  }, LONG);

  afterAll(async () => {
    await browser?.close();
  }, LONG);

  it('the html report shows both lanes and the racing pair, and each step diff matches the json report', { timeout: LONG }, async () => {
    const v = report.violations[0]!;
    expect(v.race).toBeDefined();
    const page = await browser.newPage();
    page.setDefaultTimeout(0);
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(`file://${html}`);
    expect(await page.$$eval('.lane-head', (els) => els.map((e) => (e as HTMLElement).dataset['process']))).toEqual(['T1', 'T2']);
    expect(await page.$$eval('details.step.race', (els) => els.map((e) => Number((e as HTMLElement).dataset['step'])))).toEqual([v.race!.first, v.race!.second]);
    // The badges are on screen, each naming the other step of the pair.
    const badges = await page.$$eval('details.step.race .race-badge', (els) => els.map((e) => ({ text: e.textContent, shown: (e as HTMLElement).offsetParent !== null })));
    expect(badges).toEqual([{ text: `race ⇄ ${v.race!.second}`, shown: true }, { text: `race ⇄ ${v.race!.first}`, shown: true }]);
    // Step through with Next: the selected step, its lane, its diff.
    for (let i = 0; i < v.trace.length; i++) {
      await page.click('section.violation .next');
      await page.waitForFunction((n) => document.querySelector('details.step.current')?.getAttribute('data-step') === String(n), { timeout: 0 }, i);
      const cur = await page.$eval('details.step.current', (e) => ({ open: (e as HTMLDetailsElement).open, lane: e.querySelector('.cell.on')?.getAttribute('data-lane') ?? null }));
      expect(cur.open).toBe(true);
      if (i === 0) continue;
      expect(cur.lane).toBe(v.trace[i]!.process);
      expect(await rowsIn(page, 'details.step.current tr.change')).toEqual(expected(report, i));
    }
    expect(await page.$eval('details.step.current', (e) => e.classList.contains('violates'))).toBe(true);
    // The full state, one click away, as a tree with the changed fields marked.
    await page.click('details.step.current details.state > summary');
    const tree = await page.$eval('details.step.current details.state', (e) => ({ open: (e as HTMLDetailsElement).open, changed: Array.from(e.querySelectorAll("li.chg"), (li) => li.getAttribute("data-path")) }));
    expect(tree.open).toBe(true);
    expect(tree.changed).toEqual(expect.arrayContaining(expected(report, v.trace.length - 1).map((c) => c.path)));
    // The racing step 2 open too, for the picture.
    await page.click(`details.step[data-step="${v.race!.first}"] > summary`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: shot('html-report.png'), fullPage: true });
    await page.close();
    markRan('html report');
  });

  it('explore: clicking enabled actions reaches the violation, and the page shows it violated at that step', { timeout: LONG }, async () => {
    const v = report.violations[0]!;
    const ex = await startExplore('--scope', 'count-race', '--variant', 'v2');
    try {
      expect(ex.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await browser.newPage();
      page.setDefaultTimeout(0);
      await page.setViewport({ width: 1400, height: 1000 });
      await page.goto(ex.url);
      await waitPath(page, '0');
      await page.screenshot({ path: shot('explore-start.png'), fullPage: true });
      const path = [0];
      for (let i = 1; i < v.trace.length; i++) {
        const st = v.trace[i]!;
        const verdict = await page.$eval(`tr.verdict[data-id="${v.invariant}"]`, (e) => e.getAttribute('data-verdict'));
        expect(verdict).toBe('holds');
        const k = await page.$$eval('button.act', (els, p, l) => els.findIndex((e) => (e as HTMLElement).dataset['process'] === p && (e as HTMLElement).dataset['label'] === l), st.process, st.action);
        expect(k, `step ${i} "${st.process}: ${st.action}" is among the enabled actions`).toBeGreaterThanOrEqual(0);
        const index = Number(await page.$$eval('button.act', (els, j) => (els[j] as HTMLElement).dataset['index'], k));
        (await page.$$('button.act'))[k]!.click();
        path.push(index);
        await waitPath(page, path.join('.'));
        expect(await rowsIn(page, '#changes tr.change')).toEqual(expected(report, i));
        expect(await page.evaluate(() => location.search)).toBe(`?path=${path.join('.')}`);
        if (i === v.race!.first) await page.screenshot({ path: shot('explore-race-step.png'), fullPage: true });
      }
      const last = await page.$eval(`tr.verdict[data-id="${v.invariant}"]`, (e) => ({ verdict: e.getAttribute('data-verdict'), msg: e.querySelector('.msg')!.textContent }));
      expect(last).toEqual({ verdict: 'violated', msg: v.message });
      expect(await page.$eval('#status', (e) => e.textContent)).toContain(`${v.invariant} is violated in this state`);
      await page.screenshot({ path: shot('explore-violation.png'), fullPage: true });
      // Back: the step before holds; Forward: violated again.
      await page.click('#back');
      await waitPath(page, path.slice(0, -1).join('.'));
      expect(await page.$eval(`tr.verdict[data-id="${v.invariant}"]`, (e) => e.getAttribute('data-verdict'))).toBe('holds');
      await page.click('#fwd');
      await waitPath(page, path.join('.'));
      expect(await page.$eval(`tr.verdict[data-id="${v.invariant}"]`, (e) => e.getAttribute('data-verdict'))).toBe('violated');
      // The address is the position: a fresh page on it shows the same.
      const shared = await browser.newPage();
      shared.setDefaultTimeout(0);
      await shared.goto(`${ex.url}?path=${path.join('.')}`);
      await waitPath(shared, path.join('.'));
      expect(await shared.$eval(`tr.verdict[data-id="${v.invariant}"]`, (e) => e.getAttribute('data-verdict'))).toBe('violated');
      expect(await shared.$$eval('#trail li', (els) => els.length)).toBe(v.trace.length);
      await shared.close();
      await page.close();
    } finally {
      const end = await stop(ex);
      expect(end.code).toBe(0);
      expect(end.out).toContain('luocheck explore: stopped');
    }
    markRan('explore');
  });

  it('explore TRACE: Forward follows the loaded trace to the violation', { timeout: LONG }, async () => {
    const v = report.violations[0]!;
    const ex = await startExplore(json);
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(0);
      await page.setViewport({ width: 1400, height: 1000 });
      await page.goto(ex.url);
      await waitPath(page, '0');
      expect(await page.$$eval('#tracesteps li', (els) => els.length)).toBe(v.length);
      for (let i = 1; i < v.trace.length; i++) {
        expect(await page.$eval('button.act.on-trace', (e) => (e as HTMLElement).dataset['label'])).toBe(v.trace[i]!.action);
        await page.click('#fwd');
        await page.waitForFunction((n) => document.body.dataset['path']!.split('.').length === n, { timeout: 0 }, i + 1);
        expect(await rowsIn(page, '#changes tr.change')).toEqual(expected(report, i));
      }
      expect(await page.$eval(`tr.verdict[data-id="${v.invariant}"]`, (e) => e.getAttribute('data-verdict'))).toBe('violated');
      expect(await page.$eval('#fwd', (e) => (e as HTMLButtonElement).disabled)).toBe(true);
      await page.screenshot({ path: shot('explore-trace.png'), fullPage: true });
      await page.close();
    } finally {
      expect((await stop(ex)).code).toBe(0);
    }
    markRan('explore trace');
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffReports } from '../src/diff/diff-reports.js';
import { DEFAULT_THRESHOLDS } from '../src/diff/thresholds.js';
import { runChecks } from '../src/index.js';
import { formatHtml } from '../src/report/html.js';
import type { Report } from '../src/types.js';

/**
 * The HTML report of a failing run against a server that stalls 700 ms every 2 s, opened in
 * headless Chromium. Set SCREENSHOT_DIR to keep the screenshots (1280 px and 375 px wide).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let dir: string;
let child: ChildProcess;
let report: Report;
let context: BrowserContext;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`).toBe(true);
  dir = await mkdtemp(join(tmpdir(), 'harden-html-'));
  const bin = fileURLToPath(new URL('../dist/fixtures/stall-server.js', import.meta.url));
  child = spawn(process.execPath, [bin, '700', '2000', '30000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`stall server exited ${code}`)));
  });
  const run = () => runChecks({ target: url, endpoint: ['GET /x'], rate: 100, duration: 4, interval: 0.25 });
  const baseline = await run();
  const current = await run();
  report = { ...current, baseline: diffReports(baseline, current, { thresholds: DEFAULT_THRESHOLDS }) };
  // A fresh profile for every run: nothing cached, nothing synced.
  context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
  });
}, 60_000);
afterAll(async () => {
  await context?.close();
  child?.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
});

async function open(width: number) {
  const file = join(dir, `report-${width}.html`);
  await writeFile(file, formatHtml(report));
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
  });
  await page.goto(pathToFileURL(file).href);
  return { page, requests, errors, file };
}

async function keep(page: Awaited<ReturnType<typeof open>>['page'], name: string) {
  const shot = join(dir, name);
  await page.screenshot({ path: shot, fullPage: true });
  if (process.env.SCREENSHOT_DIR) {
    await mkdir(process.env.SCREENSHOT_DIR, { recursive: true });
    await copyFile(shot, join(process.env.SCREENSHOT_DIR, name));
  }
}

describe('html report in headless Chromium', () => {
  it('loads nothing from the network, logs no error, and shows verdict, failures and both charts', async () => {
    expect(report.verdict).toBe('fail');
    const { page, requests, errors } = await open(1280);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    expect(errors).toEqual([]);
    expect(await page.locator('#verdict').textContent()).toBe('FAIL');
    expect(await page.locator('#tiles .tile').count()).toBeGreaterThanOrEqual(4);
    // Failures come first, once per check id, each with its fix.
    const findings = page.locator('#failures .finding');
    expect(await findings.count()).toBeGreaterThan(0);
    const ids = await page.locator('#failures .finding h3 code').allTextContents();
    expect(new Set(ids).size).toBe(ids.length);
    expect(await page.locator('#failures .finding.fail .fix li').count()).toBeGreaterThan(0);
    // Browser-side expressions are strings: this project's type-check has no DOM library.
    const order = await page.evaluate<number[]>(
      "['failures', 'latency', 'passing'].map((id) => document.getElementById(id).offsetTop)",
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // Passing checks: one row per id.
    const passing = await page.locator('#passing > ul > li').count();
    const passIds = new Set(
      report.checks.filter((c) => c.status === 'pass' || c.status === 'skip').map((c) => c.id),
    );
    expect(passing).toBeLessThanOrEqual(passIds.size);
    // The spectrum: corrected, uncorrected and baseline curves and two SLO lines.
    expect(await page.locator('svg#spectrum-chart path.curve').count()).toBe(3);
    expect(await page.locator('svg#spectrum-chart .slo').count()).toBe(2);
    // Latency over time: p50 and p99 lines over the max area, throughput bars for every interval.
    const intervals = (report.latency!.intervals as { entries: unknown[] }).entries.length;
    expect(await page.locator('svg#timeline-chart path.curve').count()).toBe(2);
    expect(await page.locator('svg#timeline-chart path.area.max').count()).toBe(1);
    expect(await page.locator('svg#timeline-chart rect.rps').count()).toBe(intervals);
    const box = await page.locator('svg#timeline-chart').boundingBox();
    expect(box!.width).toBeGreaterThan(400);
    await keep(page, 'report-1280.png');
    await page.close();
  });

  it('fits a 375 px screen without sideways scrolling, in light and dark mode', async () => {
    const { page, errors } = await open(375);
    expect(errors).toEqual([]);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    const chart = await page.locator('svg#spectrum-chart').boundingBox();
    expect(chart!.width).toBeGreaterThan(300);
    await keep(page, 'report-375.png');
    await page.emulateMedia({ colorScheme: 'dark' });
    const bg = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    expect(bg).toBe('rgb(13, 17, 23)');
    await keep(page, 'report-375-dark.png');
    await page.emulateMedia({ media: 'print', colorScheme: 'light' });
    expect(await page.locator('svg#timeline-chart').isVisible()).toBe(true);
    await page.close();
  });
});

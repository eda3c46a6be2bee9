import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDelayServer } from '../fixtures/known-latency.js';
import { runChecks } from '../src/index.js';
import { FORMATTERS } from '../src/report/formatters.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-html-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('html report in headless Chromium', () => {
  it('renders the check table and the percentile chart with no network request', async () => {
    expect(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`).toBe(
      true,
    );
    const server = await startDelayServer((i) => (i % 20 === 0 ? 40 : 2));
    let html: string;
    try {
      const report = await runChecks({ target: server.url, endpoint: ['GET /x'], rate: 200, duration: 1 });
      html = FORMATTERS.html(report, { color: false });
    } finally {
      await server.close();
    }
    const file = join(dir, 'report.html');
    await writeFile(file, html);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(file).href);
      expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
      expect(errors).toEqual([]);
      expect(await page.locator('#verdict').textContent()).toMatch(/PASS|FAIL/);
      expect(await page.locator('#checks tbody tr:not(.category)').count()).toBeGreaterThan(5);
      const chart = page.locator('svg#latency-chart');
      expect(await chart.count()).toBe(1);
      const box = await chart.boundingBox();
      expect(box?.width).toBeGreaterThan(300);
      expect(await page.locator('svg#latency-chart circle').count()).toBeGreaterThanOrEqual(8);
      await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});

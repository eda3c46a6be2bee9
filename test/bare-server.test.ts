import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture } from '../fixtures/api.js';
import { runChecks } from '../src/index.js';
import { FORMATTERS } from '../src/report/format.js';
import { validateReport } from '../src/report/validate-report.js';
import type { Report } from '../src/types.js';

/**
 * A plain node:http JSON server with none of the contract headers (no X-Request-ID, no
 * X-Latency-MS): the checks that judge those headers' values have nothing to judge, so they skip
 * instead of passing, and the latency report has no server row built from an empty histogram.
 */
let server: Server;
let target: string;
let report: Report;
/** The same run against a server that sends X-Latency-MS: the server row is there. */
let withLatency: Report;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  report = await runChecks({
    target,
    endpoint: ['GET /v1/info'],
    rate: 50,
    duration: 1,
    timeout: 5000,
    sloP95: 600_000,
    sloP99: 600_000,
  });
  const fixture = await startFixture({});
  try {
    withLatency = await runChecks({
      target: fixture.url,
      endpoint: ['GET /v1/info'],
      rate: 50,
      duration: 1,
      timeout: 5000,
      sloP95: 600_000,
      sloP99: 600_000,
    });
  } finally {
    await fixture.close();
  }
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const statuses = (id: string) => report.checks.filter((c) => c.id === id).map((c) => c.status);

describe('a server that sends no X-Request-ID and no X-Latency-MS', () => {
  it('fails the presence checks', () => {
    for (const id of ['contract.request-id.present', 'contract.latency.present']) {
      expect(statuses(id), id).toContain('fail');
      expect(statuses(id), id).not.toContain('pass');
    }
  });

  it('skips the checks that judge the header values, never passes them', () => {
    for (const id of [
      'contract.request-id.injection',
      'contract.request-id.format',
      'contract.request-id.unique',
      'contract.latency.format',
      'contract.latency.plausible',
    ])
      expect(statuses(id), id).toEqual(['skip']);
  });

  it('does not pass the echo of a valid client id that never came back', () => {
    const echo = statuses('contract.request-id.echo');
    expect(echo.length).toBeGreaterThan(0);
    expect(echo).not.toContain('pass');
  });

  it('reports no server latency: no serverMs in JSON, no server row in text, Markdown or HTML', () => {
    expect(report.latency?.requests).toBeGreaterThan(0);
    expect(report.latency?.clientMs.p50).toBeGreaterThan(0);
    const doc = JSON.parse(FORMATTERS.json(report, { color: false }));
    expect(validateReport(doc)).toBeUndefined();
    expect(doc.latency).not.toHaveProperty('serverMs');
    expect(doc.latency).not.toHaveProperty('serverHistogram');
    // The row label followed by its first value (the checks' fix text names the label in prose).
    const serverRow = /server \(X-Latency-MS\)(?:\s|\||<\/?t[hd]>)*\d[\d,.]* ms/;
    for (const format of ['text', 'markdown', 'html'] as const)
      expect(FORMATTERS[format](report, { color: false }), format).not.toMatch(serverRow);
    expect(withLatency.latency?.serverMs).toBeDefined();
    for (const format of ['text', 'markdown', 'html'] as const)
      expect(FORMATTERS[format](withLatency, { color: false }), format).toMatch(serverRow);
  });
});

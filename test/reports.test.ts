import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture } from '../fixtures/api.js';
import { renderChecksDoc } from '../src/docs/checks-doc.js';
import { runChecks } from '../src/index.js';
import { FORMATTERS } from '../src/report/format.js';
import { validateReport } from '../src/report/validate-report.js';
import type { Report } from '../src/types.js';
import { cli } from './helpers/cli.js';
import { testReport } from './helpers/report.js';

let report: Report;
let failing: Report;
let dir: string;
let fixtureUrl: string;
let closeFixture: () => Promise<void>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-reports-'));
  const good = await startFixture({ delayMs: 1 });
  fixtureUrl = good.url;
  closeFixture = good.close;
  // A short polite load phase so the latency section is present. These tests are about the
  // report's shape, so the latency targets are far above anything a busy machine could produce:
  // the verdict does not depend on how loaded the cores are.
  report = await runChecks({ target: good.url, rate: 100, duration: 1, sloP95: 600_000, sloP99: 600_000 });
  const bad = await startFixture({ defects: { poweredBy: true, noCsp: true, errorsStackTrace: true } });
  try {
    failing = await runChecks({
      target: bad.url,
      duration: 0,
      header: ['Authorization: Bearer s3cr3t-token-value'],
    });
  } finally {
    await bad.close();
  }
});
afterAll(async () => {
  await closeFixture();
  await rm(dir, { recursive: true, force: true });
});

describe('json', () => {
  it('is valid against the shipped report schema, with the report fields', () => {
    for (const r of [report, failing]) {
      const doc = JSON.parse(FORMATTERS.json(r, { color: false }));
      expect(validateReport(doc)).toBeUndefined();
      expect(doc).toMatchObject({ schemaVersion: 1, tool: 'harden-check', rulesVersion: expect.any(String) });
    }
    expect(report.latency?.histogram).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(report.latency?.clientMs.p99).toBeGreaterThan(0);
  });

  it('the schema rejects a report with a wrong field', () => {
    const doc = JSON.parse(FORMATTERS.json(report, { color: false }));
    doc.checks[0].status = 'ok';
    expect(validateReport(doc)).toMatch(/status/);
  });

  it('never contains a secret header value', () => {
    const text = FORMATTERS.json(failing, { color: false });
    expect(text).not.toContain('s3cr3t-token-value');
  });
});

describe('junit', () => {
  it('is well-formed XML with one testcase per check result', () => {
    const xml = FORMATTERS.junit(failing, { color: false });
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({
      ignoreAttributes: false,
      isArray: (name) => ['testsuite', 'testcase'].includes(name),
    }).parse(xml);
    const suites = doc.testsuites.testsuite as Array<{ testcase: Array<Record<string, unknown>> }>;
    const cases = suites.flatMap((s) => s.testcase);
    expect(cases).toHaveLength(failing.checks.length);
    expect(cases.filter((c) => 'failure' in c)).toHaveLength(failing.summary.fail);
    expect(cases.filter((c) => 'skipped' in c)).toHaveLength(failing.summary.skip);
    expect(Number(doc.testsuites['@_failures'])).toBe(failing.summary.fail);
  });

  it('escapes markup from the target', () => {
    const xml = FORMATTERS.junit(
      {
        ...failing,
        checks: [{ id: 'errors.no-leak', category: 'errors', status: 'fail', message: '<script>&"\u0001' }],
      },
      { color: false },
    );
    expect(XMLValidator.validate(xml)).toBe(true);
  });
});

describe('markdown and text', () => {
  it('text lists each flagged endpoint under its check', () => {
    const text = FORMATTERS.text(failing, { color: false });
    expect(text).toMatch(
      /^ {2}✗ security\.fingerprint +\d+ of \d+ flagged \(\d+ endpoints? and \d+ other probes\): GET \/, GET \/healthz, /m,
    );
    expect(text).toMatch(/^ {6}✗ .*X-Powered-By: Express/m);
    // The fix and the docs link once per check, not once per endpoint.
    expect(text.match(/docs: docs\/checks\.md#securityfingerprint/g)).toHaveLength(1);
    expect(text).toMatch(/^ {6}fix: • Express: /m);
  });

  it('markdown lists failures first and has a table per category', () => {
    const md = FORMATTERS.markdown(failing, { color: false });
    expect(md).toMatch(/^## harden-check: ❌ fail/);
    expect(md).toContain('### Needs attention');
    expect(md).toContain('`security.fingerprint`');
  });

  it('text has one line per check, a verdict line, and colour only when asked', () => {
    const plain = FORMATTERS.text(report, { color: false });
    expect(plain).not.toMatch(/\u001b\[/);
    expect(plain).toMatch(
      /^PASS {2}\d+ passed, 0 failed, \d+ warnings?, \d+ skipped checks; \d+ endpoint results: /m,
    );
    expect(plain).toMatch(/p50 +p90 +p95 +p99 +p99\.9 +max/);
    expect(plain).toContain('distribution (client, corrected)');
    expect(FORMATTERS.text(report, { color: true })).toMatch(/\u001b\[/);
    const lines = plain.split('\n').filter((l) => /^ {2}[✓✗!-] /.test(l));
    expect(lines).toHaveLength(new Set(report.checks.map((c) => c.id)).size);
  });
});

describe('CLI output options', () => {
  it('--output and repeated --report write files from one run; stdout stays empty', async () => {
    const r = await cli([
      fixtureUrl,
      '--duration',
      '0',
      '--format',
      'json',
      '--output',
      join(dir, 'r.json'),
      '--report',
      `junit=${join(dir, 'r.xml')}`,
      '--report',
      `markdown=${join(dir, 'r.md')}`,
      '--report',
      `html=${join(dir, 'r.html')}`,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const json = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8'));
    expect(validateReport(json)).toBeUndefined();
    expect(XMLValidator.validate(await readFile(join(dir, 'r.xml'), 'utf8'))).toBe(true);
    expect(await readFile(join(dir, 'r.md'), 'utf8')).toContain('harden-check');
    expect(await readFile(join(dir, 'r.html'), 'utf8')).toContain('<!doctype html>');
  });

  it('NO_COLOR and non-TTY give plain text; FORCE_COLOR gives colour', async () => {
    const plain = await cli([fixtureUrl, '--duration', '0'], { env: {} });
    expect(plain.stdout).not.toMatch(/\u001b\[/);
    const forced = await cli([fixtureUrl, '--duration', '0'], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(/\u001b\[/);
    const off = await cli([fixtureUrl, '--duration', '0', '--no-color'], { env: { FORCE_COLOR: '1' } });
    expect(off.stdout).not.toMatch(/\u001b\[/);
  });
});

describe('docs/checks.md', () => {
  it('is up to date with the registry (run npm run docs:checks)', async () => {
    const onDisk = await readFile(new URL('../docs/checks.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderChecksDoc());
  });
});

describe('hostile text from the target', () => {
  const hostile: Report = testReport([
    {
      id: 'errors.no-leak',
      category: 'errors',
      status: 'fail',
      endpoint: 'GET /x',
      message: 'body "\u001b[2J\u001b]0;pwned\u0007<img src=x onerror=alert(1)>|"',
    },
  ]);

  it('cannot drive the terminal through the text report', () => {
    expect(FORMATTERS.text(hostile, { color: false })).not.toMatch(/[\u0007\u001b]/);
  });

  it('cannot inject markup into a Markdown pull-request comment', () => {
    const md = FORMATTERS.markdown(hostile, { color: false });
    expect(md).not.toContain('<img');
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt;\\|');
  });

  it('cannot inject markup into the HTML report', () => {
    expect(FORMATTERS.html(hostile, { color: false })).not.toContain('<img');
  });
});

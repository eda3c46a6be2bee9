import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateReport } from '../src/report/validate-report.js';
import type { Report } from '../src/types.js';
import { countingServer, runCliBin } from './helpers/spawn-cli.js';

let dir: string;
let target: Awaited<ReturnType<typeof countingServer>>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-nothing-'));
  target = await countingServer();
});
afterAll(async () => {
  await target.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a run that verified nothing is not a pass', () => {
  // security.hsts applies to HTTPS only: against a plain-HTTP target the one selected check skips.
  for (const strict of [false, true]) {
    it(`every selected check skipped → verdict fail, exit 1, the reason in every format${strict ? ' (--strict)' : ''}`, async () => {
      const f = (name: string) => join(dir, `${strict ? 's' : 'n'}-${name}`);
      const r = await runCliBin([
        target.url,
        '--checks',
        'security.hsts',
        '--duration',
        '0',
        ...(strict ? ['--strict'] : []),
        '--report',
        `json=${f('r.json')}`,
        '--report',
        `junit=${f('r.xml')}`,
        '--report',
        `markdown=${f('r.md')}`,
        '--report',
        `html=${f('r.html')}`,
      ]);
      expect(r.code).toBe(1);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines.at(-1)).toMatch(/^FAIL {2}0 passed, 0 failed, 0 warnings, 36 skipped checks/);
      expect(lines.at(-2)).toMatch(
        /^nothing was verified: the one selected check was skipped \(security\.hsts: target is plain HTTP/,
      );
      expect(r.stdout).not.toMatch(/^PASS/m);

      const report = JSON.parse(await readFile(f('r.json'), 'utf8')) as Report;
      expect(validateReport(report)).toBeUndefined();
      expect(report.verdict).toBe('fail');
      expect(report.verdictReason).toMatch(/^nothing was verified/);
      expect(report.summary).toMatchObject({ pass: 0, fail: 0, warn: 0 });
      expect(report.checks.find((c) => c.id === 'security.hsts')?.status).toBe('skip');

      const xml = new XMLParser({ ignoreAttributes: false }).parse(await readFile(f('r.xml'), 'utf8'));
      expect(Number(xml.testsuites['@_failures'])).toBe(1);
      const suites = [xml.testsuites.testsuite].flat();
      const verdict = suites.find((s: { '@_name': string }) => s['@_name'] === 'harden-check verdict');
      expect(verdict.testcase.failure['@_message']).toMatch(/^nothing was verified/);

      const md = await readFile(f('r.md'), 'utf8');
      expect(md).toMatch(/^## harden-check: ❌ fail/);
      expect(md).toContain('verdict fail: nothing was verified');
      const html = await readFile(f('r.html'), 'utf8');
      expect(html).toMatch(/id="verdict">FAIL</);
      expect(html).toContain('verdict fail: nothing was verified');
      // "Needs attention" names the reason instead of claiming nothing needs attention.
      expect(html).toMatch(/<h2>Needs attention<\/h2><p>nothing was verified/);
      expect(html).not.toContain('Nothing: every check passed or was skipped');
    });
  }

  it('--quiet says why beside the verdict', async () => {
    const r = await runCliBin([target.url, '--checks', 'security.hsts', '--duration', '0', '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^nothing was verified/),
      expect.stringMatching(/^FAIL {2}0 passed/),
    ]);
  });

  it('one judged check is enough for a pass, and a pass has no verdictReason', async () => {
    const r = await runCliBin([
      target.url,
      '--checks',
      'contract.endpoint.reachable',
      '--duration',
      '0',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.verdict).toBe('pass');
    expect(report.verdictReason).toBeUndefined();
  });

  it('--strict failing on warnings says so in the report', async () => {
    // The counting server sends no CSP: security.csp warns, and --strict turns that into the verdict.
    const r = await runCliBin([
      target.url,
      '--checks',
      'security.csp',
      '--duration',
      '0',
      '--strict',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.summary.fail).toBe(0);
    expect(report.verdictReason).toMatch(/^--strict: 1 check warned/);
  });
});

describe('a selection that leaves nothing to run is refused before any traffic', () => {
  const cases: Array<[string, string[], RegExp]> = [
    [
      '--skip of every category',
      ['--skip', 'contract,ratelimit,security,errors,logs,health,slo'],
      /leave no check to run/,
    ],
    [
      '--checks and --skip cancelling out',
      ['--checks', 'security', '--skip', 'security'],
      /leave no check to run/,
    ],
    [
      '--shard with no slo check',
      ['--checks', 'security', '--shard', '2/3'],
      /--shard 2\/3 splits the load phase, but no slo check/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const before = target.seen();
      const r = await runCliBin([target.url, ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(target.seen()).toBe(before);
    });
  }
});

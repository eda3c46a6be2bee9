import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from '../fixtures/api.js';
import { runChecks } from '../src/index.js';
import { cli } from './helpers/cli.js';

let dir: string;
let good: Fixture;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-cli-'));
  good = await startFixture();
});
afterAll(async () => {
  await good.close();
  await rm(dir, { recursive: true, force: true });
});

const json = (stdout: string) =>
  JSON.parse(stdout) as {
    checks: Array<{ id: string; status: string; endpoint?: string; message: string }>;
    verdict: string;
    slo: Record<string, number>;
  };

describe('exit codes', () => {
  it('0 when every check passes', async () => {
    const r = await cli([good.url, '--duration', '0']);
    expect(r.code).toBe(0);
  });

  it('1 when a check fails', async () => {
    const bad = await startFixture({ defects: { poweredBy: true } });
    try {
      expect((await cli([bad.url, '--duration', '0'])).code).toBe(1);
    } finally {
      await bad.close();
    }
  });

  it('warnings pass by default and fail with --strict, keeping their status', async () => {
    const warny = await startFixture({ defects: { noCsp: true } });
    try {
      expect((await cli([warny.url, '--duration', '0'])).code).toBe(0);
      const strict = await cli([warny.url, '--duration', '0', '--strict', '--format', 'json']);
      expect(strict.code).toBe(1);
      expect(
        json(strict.stdout)
          .checks.filter((c) => c.id === 'security.csp')
          .every((c) => c.status === 'warn'),
      ).toBe(true);
    } finally {
      await warny.close();
    }
  });

  it('--quiet prints only the flagged checks and the verdict', async () => {
    const bad = await startFixture({ defects: { poweredBy: true } });
    try {
      const r = await cli([bad.url, '--duration', '0', '--quiet']);
      expect(r.code).toBe(1);
      const lines = r.stdout.trim().split('\n');
      expect(lines.at(-1)).toMatch(/^FAIL {2}\d+ passed, \d+ failed/);
      expect(lines.slice(0, -1).every((l) => l.startsWith('✗ security.fingerprint'))).toBe(true);
      expect(r.stderr).toBe('');
    } finally {
      await bad.close();
    }
  });

  it('--version and --help exit 0; help has examples and the exit codes', async () => {
    const v = await cli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await cli(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('harden-check demo');
    expect(h.stdout).toContain('Exit codes: 0');
    // Every run option is listed in the top-level help.
    for (const flag of ['--rate-limit-probe', '--slo-p99', '--report <format=file>', '--load-header'])
      expect(h.stdout).toContain(flag);
  });
});

describe('config file', () => {
  it('is found in the working directory and flags override it', async () => {
    const cwd = await mkdtemp(join(dir, 'cwd-'));
    await writeFile(
      join(cwd, 'harden-check.config.json'),
      JSON.stringify({
        target: good.url,
        endpoints: ['GET /v1/info'],
        slo: { p95Ms: 42 },
        load: { duration: 0 },
      }),
    );
    const fromFile = await cli(['--format', 'json'], { cwd });
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(json(fromFile.stdout).slo.p95Ms).toBe(42);
    const overridden = await cli(['--format', 'json', '--slo-p95', '77'], { cwd });
    expect(json(overridden.stdout).slo.p95Ms).toBe(77);
  });

  it('a wrong type is a usage error naming the field', async () => {
    const file = join(dir, 'bad-type.json');
    await writeFile(file, JSON.stringify({ slo: { p95Ms: 'fast' } }));
    const r = await cli([good.url, '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/slo\.p95Ms must be a number/);
  });

  it('an unknown field, bad JSON, an unknown check id or endpoint are usage errors', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ sloo: {} }, /unknown field "sloo"/],
      // A config file from a repository must not run commands: --log-command is a flag only.
      [{ logCommand: 'touch /tmp/pwned' }, /unknown field "logCommand"/],
      [{ checks: { skip: ['security.nothing'] } }, /unknown check id or category "security.nothing"/],
      [{ policies: { 'GET /v1/nowhere': { limit: 5 } } }, /matches none of the probed endpoints/],
      [{ checks: { categories: ['speed'] } }, /checks\.categories\[0\] must be one of/],
    ];
    for (const [doc, pattern] of cases) {
      const file = join(dir, 'c.json');
      await writeFile(file, JSON.stringify(doc));
      const r = await cli([good.url, '--config', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(pattern);
    }
    await writeFile(join(dir, 'broken.json'), '{"slo": ');
    expect((await cli([good.url, '--config', join(dir, 'broken.json')])).stderr).toMatch(/not valid JSON/);
  });

  it('checks.cacheable exempts a public GET from security.cache-control', async () => {
    const cacheable = await startFixture({ defects: { cacheable: true } });
    const file = join(dir, 'cacheable.json');
    await writeFile(
      file,
      JSON.stringify({
        endpoints: ['GET /v1/info'],
        checks: { cacheable: ['GET /v1/info'] },
        load: { duration: 0 },
      }),
    );
    try {
      const r = await cli([cacheable.url, '--config', file, '--format', 'json', '--checks', 'security']);
      const results = json(r.stdout).checks.filter((c) => c.id === 'security.cache-control');
      expect(results.find((c) => c.endpoint === 'GET /v1/info')).toMatchObject({
        status: 'skip',
        message: 'GET /v1/info: exempt by checks.cacheable in the config',
      });
      // The exemption names endpoints: the 404 probe is still judged.
      expect(results.find((c) => c.endpoint === 'GET (unknown path)')?.status).toBe('fail');
    } finally {
      await cacheable.close();
    }
  });

  it('a policies map overrides the contract’s expectation', async () => {
    const file = join(dir, 'policies.json');
    await writeFile(
      file,
      JSON.stringify({
        endpoints: ['GET /v1/info'],
        policies: { 'GET /v1/info': { limit: 5 } },
        load: { duration: 0 },
      }),
    );
    const r = await cli([good.url, '--config', file, '--format', 'json', '--checks', 'ratelimit']);
    expect(r.code).toBe(1);
    expect(json(r.stdout).checks.find((c) => c.id === 'ratelimit.policy')?.status).toBe('fail');
  });
});

describe('endpoints from OpenAPI', () => {
  it('takes GET operations without required parameters, with the server base path', async () => {
    const spec = join(dir, 'api.yaml');
    await writeFile(
      spec,
      [
        'openapi: 3.0.3',
        'info: { title: t, version: "1" }',
        'servers: [{ url: "http://example.test/" }]',
        'paths:',
        '  /v1/info:',
        '    get: { responses: { "200": { description: ok } } }',
        '  /v1/items/{id}:',
        '    get:',
        '      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]',
        '      responses: { "200": { description: ok } }',
        '  /v1/search:',
        '    get:',
        '      parameters: [{ name: q, in: query, required: true, schema: { type: string } }]',
        '      responses: { "200": { description: ok } }',
        '  /v1/export:',
        '    get: { responses: { "200": { description: ok } } }',
        '    post: { responses: { "200": { description: ok } } }',
      ].join('\n'),
    );
    const r = await cli([
      good.url,
      '--openapi',
      spec,
      '--duration',
      '0',
      '--format',
      'json',
      '--checks',
      'contract',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = json(r.stdout);
    const probed = new Set(report.checks.filter((c) => c.status !== 'skip').map((c) => c.endpoint));
    expect(probed.has('GET /v1/info')).toBe(true);
    expect(probed.has('GET /v1/export')).toBe(true);
    expect([...probed].some((e) => e?.includes('items') || e?.includes('search'))).toBe(false);
    // The operations left out are named, with the reason.
    const leftOut = report.checks.filter(
      (c) => c.id === 'contract.endpoint.reachable' && c.status === 'skip',
    );
    expect(leftOut.map((c) => c.endpoint)).toEqual([
      'GET /v1/items/{id}',
      'GET /v1/search',
      'POST /v1/export',
    ]);
  });

  it('an invalid document is a usage error', async () => {
    const spec = join(dir, 'bad.json');
    await writeFile(spec, JSON.stringify({ swagger: '2.0', info: { title: 't', version: '1' }, paths: {} }));
    const r = await cli([good.url, '--openapi', spec]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--openapi/);
  });
});

describe('secrets given with --header', () => {
  it('never appear in any report format, even when the target reflects them', async () => {
    const { createServer } = await import('node:http');
    const reflect = createServer((req, res) => {
      res.writeHead(404, {
        'content-type': 'application/json',
        'x-echo-auth': String(req.headers.authorization),
      });
      res.end(JSON.stringify({ error: `denied for ${req.headers.authorization}` }));
    });
    await new Promise<void>((r) => reflect.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(reflect.address() as { port: number }).port}`;
    try {
      for (const format of ['text', 'json', 'junit', 'markdown', 'html']) {
        const r = await cli([
          url,
          '--duration',
          '0',
          '--header',
          'Authorization: Bearer sk_live_hunter2hunter2',
          '--format',
          format,
        ]);
        expect(r.stdout).not.toContain('hunter2');
        expect(r.stdout.length).toBeGreaterThan(0);
      }
    } finally {
      reflect.close();
    }
  });
});

describe('programmatic API', () => {
  it('runChecks returns the report object the CLI prints', async () => {
    const report = await runChecks({ target: good.url, duration: 0, checks: 'contract,security' });
    expect(report.tool).toBe('harden-check');
    const judged = report.checks.filter((c) => !/skipped by configuration/.test(c.message));
    expect(new Set(judged.map((c) => c.category))).toEqual(new Set(['contract', 'security']));
    // Every other check is in the report too, as skipped by configuration.
    expect(report.checks.filter((c) => c.category === 'slo').map((c) => c.status)).toEqual([
      'skip',
      'skip',
      'skip',
      'skip',
    ]);
    expect(report.verdict).toBe('pass');
  });

  it('throws a HardenError with a code and exit code for bad input', async () => {
    await expect(runChecks({ target: 'gopher://x' })).rejects.toMatchObject({
      code: 'TARGET_INVALID',
      exitCode: 2,
    });
  });
});

describe('--duration', () => {
  it('takes ms, s and m like watch --for; a plain number is seconds', async () => {
    const planned = async (duration: string) => {
      const r = await cli([
        good.url,
        '--duration',
        duration,
        '--rate',
        '20',
        '--no-polite',
        '--checks',
        'slo',
        '--format',
        'json',
      ]);
      expect(r.code, r.stderr).not.toBe(2);
      return (JSON.parse(r.stdout) as { execution: { plan: { durationSec: number; requests: number } } })
        .execution.plan;
    };
    expect(await planned('500ms')).toMatchObject({ durationSec: 0.5, requests: 10 });
    expect(await planned('0.5s')).toMatchObject({ durationSec: 0.5, requests: 10 });
    expect(await planned('0.01m')).toMatchObject({ durationSec: 0.6, requests: 12 });
    expect(await planned('0.5')).toMatchObject({ durationSec: 0.5, requests: 10 });
    for (const bad of ['20x', '-1s', '2 days', '25h']) {
      const r = await cli([good.url, '--duration', bad]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr, bad).toMatch(/--duration must be a duration from 0 to 86400 s/);
    }
  }, 60_000);
});

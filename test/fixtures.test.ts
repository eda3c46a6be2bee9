import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureOptions, startFixture } from '../fixtures/api.js';
import { runChecks } from '../src/index.js';
import type { Report, Status } from '../src/types.js';
import { DEMO_ENDPOINTS } from '../src/cli/demo.js';

const ENDPOINTS = DEMO_ENDPOINTS;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-fixtures-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function check(options: FixtureOptions, extra: Record<string, unknown> = {}): Promise<Report> {
  const fixture = await startFixture(options);
  try {
    return await runChecks({
      target: fixture.url,
      endpoint: ENDPOINTS,
      duration: 0,
      timeout: 5000,
      ...extra,
    });
  } finally {
    await fixture.close();
  }
}

/** Every non-pass, non-skip result must be one of `expected`, and each expected one must occur. */
function expectExactly(report: Report, expected: Record<string, Exclude<Status, 'pass' | 'skip'>>): void {
  const flagged = report.checks.filter((c) => c.status === 'fail' || c.status === 'warn');
  const unexpected = flagged.filter((c) => expected[c.id] !== c.status);
  expect(unexpected.map((c) => `${c.id} ${c.status}: ${c.message}`)).toEqual([]);
  for (const [id, status] of Object.entries(expected)) {
    expect(
      report.checks.some((c) => c.id === id && c.status === status),
      `${id} should be ${status}`,
    ).toBe(true);
  }
}

describe('a correct independent implementation', () => {
  it('passes every check (legacy headers, epoch-seconds Reset)', async () => {
    const r = await check({});
    expectExactly(r, {});
    expect(r.verdict).toBe('pass');
  });

  it('passes the rate-limit probe too', async () => {
    expectExactly(await check({}, { rateLimitProbe: true }), {});
  });
});

type Case = [string, FixtureOptions, Record<string, 'fail' | 'warn'>, Record<string, unknown>?];

const CASES: Case[] = [
  [
    'no X-Request-ID on errors',
    { defects: { requestIdMissingOnErrors: true } },
    { 'contract.request-id.present': 'fail' },
  ],
  [
    'hex request ids (nginx $request_id)',
    { defects: { requestIdHex: true } },
    { 'contract.request-id.format': 'fail' },
  ],
  [
    'one constant request id',
    { defects: { requestIdConstant: true } },
    { 'contract.request-id.unique': 'fail' },
  ],
  ['client ids not echoed', { defects: { requestIdNoEcho: true } }, { 'contract.request-id.echo': 'warn' }],
  [
    'any client id reflected',
    { defects: { requestIdReflectAny: true } },
    { 'contract.request-id.injection': 'fail' },
  ],
  ['no X-Latency-MS', { defects: { latencyMissing: true } }, { 'contract.latency.present': 'fail' }],
  [
    'X-Latency-MS with a unit',
    { defects: { latencyFractional: true } },
    { 'contract.latency.format': 'fail' },
  ],
  [
    'X-Latency-MS in microseconds',
    { defects: { latencyMicros: true } },
    { 'contract.latency.plausible': 'fail' },
  ],
  ['no nosniff', { defects: { noNosniff: true } }, { 'security.nosniff': 'fail' }],
  ['no framing protection', { defects: { noFraming: true } }, { 'security.framing': 'fail' }],
  ['cacheable responses', { defects: { cacheable: true } }, { 'security.cache-control': 'fail' }],
  ['X-Powered-By', { defects: { poweredBy: true } }, { 'security.fingerprint': 'fail' }],
  [
    'reflected origin with credentials',
    { defects: { corsReflectCredentials: true } },
    { 'security.cors': 'fail' },
  ],
  ['no CSP', { defects: { noCsp: true } }, { 'security.csp': 'warn' }],
  ['ad-hoc JSON errors', { defects: { errorsAdHocJson: true } }, { 'errors.schema': 'fail' }],
  [
    'problem body status differs from HTTP status',
    { defects: { errorsStatusMismatch: true } },
    { 'errors.schema': 'fail' },
  ],
  ['errors as text/plain', { defects: { errorsTextContentType: true } }, { 'errors.content-type': 'fail' }],
  ['stack traces in errors', { defects: { errorsStackTrace: true } }, { 'errors.no-leak': 'fail' }],
  ['errors without request id', { defects: { errorsNoRequestId: true } }, { 'errors.correlation': 'fail' }],
  ['no /healthz', { defects: { noHealthz: true } }, { 'health.liveness': 'fail' }],
  ['no /readyz', { defects: { noReadyz: true } }, { 'health.readiness': 'warn' }],
  ['no rate-limit headers', { defects: { rlNoHeaders: true } }, { 'ratelimit.headers.present': 'fail' }],
  ['Reset in the past', { defects: { rlResetPast: true } }, { 'ratelimit.headers.format': 'fail' }],
  [
    'Remaining never decreasing',
    { defects: { rlRemainingStuck: true } },
    { 'ratelimit.remaining.decrements': 'fail' },
  ],
];

describe('each fixture is flagged for exactly its defect', () => {
  for (const [name, options, expected] of CASES) {
    it(name, async () => {
      const r = await check(options);
      expectExactly(r, expected);
      expect(r.verdict).toBe(Object.values(expected).includes('fail') ? 'fail' : 'pass');
    });
  }

  it('logs.redaction fails on a log that records the Authorization header', async () => {
    const file = join(dir, 'leaky.log');
    expectExactly(await check({ defects: { leakyLogFile: file } }, { logFile: file }), {
      'logs.redaction': 'fail',
    });
  });

  it('logs.redaction passes on a log without secrets', async () => {
    const file = join(dir, 'clean.log');
    const r = await check({ defects: { logFile: file } }, { logFile: file });
    expectExactly(r, {});
    expect(r.checks.find((c) => c.id === 'logs.redaction')?.status).toBe('pass');
  });
});

describe('rate-limit probe fixtures', () => {
  const probe = { rateLimitProbe: true };
  const RL_CASES: Case[] = [
    ['never sends 429', { defects: { rlNever429: true } }, { 'ratelimit.enforced': 'fail' }],
    ['429 without Retry-After', { defects: { rlNoRetryAfter: true } }, { 'ratelimit.429.contract': 'fail' }],
    ['budget keyed on X-Forwarded-For', { defects: { rlKeyOnXff: true } }, { 'ratelimit.spoofing': 'fail' }],
    ['one budget for all policies', { defects: { rlSharedBudget: true } }, { 'ratelimit.isolation': 'fail' }],
    ['one budget for all clients', { defects: { rlGlobalBudget: true } }, { 'ratelimit.per-ip': 'fail' }],
  ];
  for (const [name, options, expected] of RL_CASES) {
    it(name, async () => expectExactly(await check(options, probe), expected));
  }

  const PASSING: Array<[string, FixtureOptions]> = [
    ['Reset in epoch milliseconds', { resetStyle: 'epoch-milliseconds' }],
    ['Reset in delta seconds', { resetStyle: 'delta-seconds' }],
    ['IETF RateLimit fields only', { headers: 'ietf' }],
    ['legacy and IETF fields together', { headers: 'both' }],
    ['background traffic spending the same budget', { defects: { rlBackground: 2 } }],
  ];
  for (const [name, options] of PASSING) {
    it(`${name}: passes every ratelimit check`, async () => {
      const r = await check(options, probe);
      expectExactly(r, {});
      for (const id of [
        'ratelimit.headers.present',
        'ratelimit.headers.format',
        'ratelimit.enforced',
        'ratelimit.429.contract',
        'ratelimit.spoofing',
        'ratelimit.isolation',
        'ratelimit.per-ip',
      ]) {
        expect(r.checks.find((c) => c.id === id)?.status, id).toBe('pass');
      }
    });
  }

  it('IETF-only fails ratelimit.headers.present when the config requires the X- fields', async () => {
    const fixture = await startFixture({ headers: 'ietf' });
    const config = join(dir, 'require-legacy.json');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(config, JSON.stringify({ rateLimit: { requireLegacyHeaders: true } }));
    try {
      const r = await runChecks({
        target: fixture.url,
        endpoint: ENDPOINTS,
        duration: 0,
        config,
        checks: 'ratelimit',
      });
      expect(
        r.checks.filter((c) => c.id === 'ratelimit.headers.present').every((c) => c.status === 'fail'),
      ).toBe(true);
    } finally {
      await fixture.close();
    }
  });

  it('the default run sends no more requests than the passive checks need', async () => {
    let count = 0;
    const fixture = await startFixture({});
    fixture.server.on('request', () => count++);
    try {
      await runChecks({ target: fixture.url, endpoint: ENDPOINTS, duration: 0 });
    } finally {
      await fixture.close();
    }
    // 1 reachability + 5 GET ×2 + 2 health + 404 + 405 + 400 + echo + 4 hostile ids + 2 CORS = 23
    expect(count).toBe(23);
  });
});

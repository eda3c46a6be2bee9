import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createErrorValidator } from '../engine/error-validator.js';
import { advertisedBudget } from '../http/fields/index.js';
import type { Exchange, ProbePurpose } from '../types.js';
import type { CheckContext, CheckDef } from './define.js';
import { errorSchema } from './errors.js';
import { readiness } from './health.js';
import { contract429 } from './ratelimit/active.js';
import { headersFormat, headersPresent, policyMatch } from './ratelimit/passive.js';
import { csp, hsts, nosniff } from './security.js';
import { framing } from './security-framing.js';
import { cors } from './security-exposure.js';

type Fields = Record<string, string | string[]>;

const NOW = Date.now();
const imf = (ms: number) => new Date(ms).toUTCString();
/** asctime-date (RFC 9110 §5.6.7), e.g. `Mon Nov 30 18:27:18 2026`. */
function asctime(ms: number): string {
  const [day, , mon, year, time] = new Date(ms).toUTCString().replace(',', '').split(' ');
  const date = new Date(ms).getUTCDate();
  return `${day} ${mon} ${date < 10 ? ` ${date}` : date} ${time} ${year}`;
}

/** A response that passes every header rule; each case overrides what it is about. */
function conformant(): Fields {
  return {
    'content-type': 'application/json',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'cache-control': 'no-store',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'x-request-id': randomUUID(),
    'x-latency-ms': '1',
    'x-ratelimit-limit': '100',
    'x-ratelimit-remaining': '99',
    'x-ratelimit-reset': '30',
    date: imf(NOW),
  };
}

function exchange(
  fields: Fields,
  opts: { status?: number; body?: string; purpose?: ProbePurpose; meta?: Record<string, unknown> } = {},
): Exchange {
  const body = opts.body ?? '{}';
  return {
    seq: 1,
    purpose: opts.purpose ?? 'endpoint',
    endpoint: 'GET /v1/info',
    request: { method: 'GET', url: 'https://api.example/v1/info', headers: {} },
    response: {
      status: opts.status ?? 200,
      headers: fields,
      body,
      bodyBytes: body.length,
      bodyTruncated: false,
    },
    timing: { startedAt: NOW, headersMs: 5, totalMs: 5 },
    ...(opts.meta ? { meta: opts.meta } : {}),
  };
}

const validator = await createErrorValidator(undefined);
function judge(check: CheckDef, exchanges: Exchange[]) {
  const ctx = {
    exchanges,
    target: new URL('https://api.example'),
    validateErrorBody: validator.validate,
    errorSchemaName: validator.name,
    expectedLimit: () => ({ policy: 'default', limit: 100, windowSec: 60 }),
    cacheable: [],
    requireLegacyRateLimitHeaders: false,
    rateLimitProbe: { ran: true },
    slo: { p95Ms: 100, p99Ms: 500, errorRate: 0.001, availability: 0.999 },
    endpointSlo: {},
  } as CheckContext;
  return check.evaluate(ctx);
}
const status = (check: CheckDef, exchanges: Exchange[]) => judge(check, exchanges).map((f) => f.status);

function with429(fields: Fields): Exchange {
  return exchange(
    { ...conformant(), 'x-ratelimit-remaining': '0', ...fields },
    {
      status: 429,
      body: JSON.stringify({ type: 'about:blank', title: 'Too Many Requests', status: 429 }),
    },
  );
}

describe('real-world header shapes from issue 9 get the right verdict', () => {
  it('two X-Content-Type-Options lines, or one `nosniff, nosniff`: pass, noting the duplicate', () => {
    for (const value of [['nosniff', 'nosniff'], 'nosniff, nosniff']) {
      const [f] = judge(nosniff, [exchange({ ...conformant(), 'x-content-type-options': value })]);
      expect(f).toMatchObject({ status: 'pass', messageId: 'duplicated' });
    }
  });

  it("CSP sent twice (`default-src 'none'` and `frame-ancestors 'none'`): framing pass, csp pass", () => {
    const fields = {
      ...conformant(),
      'content-security-policy': ["default-src 'none'", "frame-ancestors 'none'"],
    };
    delete (fields as Fields)['x-frame-options'];
    expect(status(framing, [exchange(fields)])).toEqual(['pass']);
    expect(status(csp, [exchange(fields)])).toEqual(['pass']);
  });

  it('X-Frame-Options: DENY with CSP `frame-ancestors *`: framing fail (CSP overrides XFO)', () => {
    const fields = { ...conformant(), 'content-security-policy': "default-src 'none'; frame-ancestors *" };
    expect(judge(framing, [exchange(fields)])[0]).toMatchObject({ status: 'fail', messageId: 'open' });
  });

  it('X-Frame-Options: ALLOW-FROM https://a.example: fail', () => {
    const fields = {
      ...conformant(),
      'x-frame-options': 'ALLOW-FROM https://a.example',
      'content-security-policy': "default-src 'none'",
    };
    expect(judge(framing, [exchange(fields)])[0]).toMatchObject({ status: 'fail', messageId: 'invalid' });
  });

  it('Strict-Transport-Security: max-age=31536000; max-age=0 over HTTPS: fail', () => {
    const fields = { ...conformant(), 'strict-transport-security': 'max-age=31536000; max-age=0' };
    expect(judge(hsts, [exchange(fields)])[0]).toMatchObject({ status: 'fail', messageId: 'bad' });
  });

  it('X-RateLimit-Limit: 100, 100;w=60 with Remaining and a delta Reset: format pass, policy judged as 100, the probe has a budget', () => {
    const fields = { ...conformant(), 'x-ratelimit-limit': '100, 100;w=60' };
    expect(status(headersPresent, [exchange(fields)])).toEqual(['pass']);
    expect(status(headersFormat, [exchange(fields)])).toEqual(['pass']);
    expect(judge(policyMatch, [exchange(fields)])[0]).toMatchObject({ status: 'pass', data: { limit: 100 } });
    expect(advertisedBudget(fields)).toMatchObject({ limit: 100, remaining: 99 });
  });

  it('429 with an asctime Retry-After consistent with Reset: pass', () => {
    const e = with429({ 'retry-after': asctime(NOW + 30_000), 'x-ratelimit-reset': '30' });
    expect(judge(contract429, [e])[0]).toMatchObject({ status: 'pass', messageId: 'ok' });
  });

  it('429 with Retry-After: 5 GMT: fail, neither a date nor delay-seconds', () => {
    const e = with429({ 'retry-after': '5 GMT' });
    expect(judge(contract429, [e])[0]).toMatchObject({ status: 'fail', messageId: 'badRetryAfter' });
  });

  it('/readyz 503 in application/health+json form with the failing check under `checks`: pass with the reason', () => {
    const body = '{"status":"fail","checks":{"db:connections":[{"status":"fail","output":"refused"}]}}';
    const e = exchange(
      { ...conformant(), 'content-type': 'application/health+json' },
      { status: 503, body, purpose: 'health', meta: { kind: 'readiness' } },
    );
    const [f] = judge(readiness, [e]);
    expect(f).toMatchObject({ status: 'pass', messageId: 'notReady' });
    expect(String(f?.data?.reason)).toContain('db:connections: refused');
  });

  it('404 body whose type is not a URI reference: schema fail', () => {
    const body = JSON.stringify({ type: 'out of credit', title: 'Not Found', status: 404, request_id: 'x' });
    const e = exchange(
      { ...conformant(), 'content-type': 'application/problem+json' },
      { status: 404, body, purpose: 'not-found' },
    );
    const [f] = judge(errorSchema, [e]);
    expect(f).toMatchObject({ status: 'fail', messageId: 'invalid' });
    expect(String(f?.data?.problem)).toMatch(/uri-reference.*RFC 9457 §3\.1\.1/);
  });
});

describe('more shapes, from the RFCs’ own examples', () => {
  const verdict = (check: CheckDef, fields: Fields) => judge(check, [exchange(fields)])[0];

  it.each([
    ['max-age=31536000', 'pass'],
    ['max-age="31536000"', 'pass'],
    ['max-age=15768000 ; includeSubDomains', 'pass'],
    ['max-age="31536000', 'fail'],
    ['includeSubDomains', 'fail'],
    ['max-age=31536000; includeSubDomains; INCLUDESUBDOMAINS', 'fail'],
  ])('HSTS %s → %s (RFC 6797 §6.1–6.2)', (value, expected) => {
    expect(verdict(hsts, { ...conformant(), 'strict-transport-security': value })?.status).toBe(expected);
  });

  it('HSTS on two field lines: the first applies and the duplicate is noted (RFC 6797 §8.1)', () => {
    const f = verdict(hsts, {
      ...conformant(),
      'strict-transport-security': ['max-age=31536000', 'max-age=0'],
    });
    expect(f).toMatchObject({ status: 'pass', messageId: 'twice' });
  });

  it('one comma-joined CSP line holds two enforced policies', () => {
    const fields = {
      ...conformant(),
      'content-security-policy': "default-src 'none', frame-ancestors 'none'",
    };
    delete (fields as Fields)['x-frame-options'];
    expect(verdict(framing, fields)?.status).toBe('pass');
    expect(verdict(csp, fields)?.status).toBe('pass');
  });

  it('a directive repeated in one policy counts the first time only', () => {
    const fields = {
      ...conformant(),
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'; frame-ancestors *",
    };
    expect(verdict(framing, fields)?.status).toBe('pass');
    const loose = {
      ...conformant(),
      'content-security-policy': "default-src 'none'; frame-ancestors *; frame-ancestors 'none'",
    };
    expect(verdict(framing, loose)?.status).toBe('fail');
  });

  it("frame-ancestors with 'self' and a named origin warns; a bare scheme fails", () => {
    expect(
      verdict(framing, {
        ...conformant(),
        'content-security-policy': "frame-ancestors 'self' https://a.example",
      })?.status,
    ).toBe('warn');
    expect(
      verdict(framing, { ...conformant(), 'content-security-policy': 'frame-ancestors https:' })?.status,
    ).toBe('fail');
  });

  it('a Report-Only frame-ancestors does not override X-Frame-Options, and the CSP warning names it', () => {
    const fields: Fields = {
      ...conformant(),
      'content-security-policy-report-only': "default-src 'none'; frame-ancestors *",
    };
    delete fields['content-security-policy'];
    expect(verdict(framing, fields)?.status).toBe('pass');
    const f = judge(csp, [exchange(fields)])[0];
    expect(f).toMatchObject({ status: 'warn', messageId: 'missing' });
    expect(String(f?.data?.reportOnly)).toMatch(/Report-Only/);
  });

  it.each([
    ['DENY, SAMEORIGIN', 'pass'],
    ['SAMEORIGIN, SAMEORIGIN', 'warn'],
    ['deny', 'pass'],
    ['ALLOWALL', 'fail'],
  ])('X-Frame-Options %s → %s (HTML standard processing)', (value, expected) => {
    const fields = {
      ...conformant(),
      'x-frame-options': value,
      'content-security-policy': "default-src 'none'",
    };
    expect(verdict(framing, fields)?.status).toBe(expected);
  });

  it('nosniff is judged on the first member only', () => {
    expect(verdict(nosniff, { ...conformant(), 'x-content-type-options': 'sniff, nosniff' })?.status).toBe(
      'fail',
    );
    expect(verdict(nosniff, { ...conformant(), 'x-content-type-options': ' NoSniff ' })?.status).toBe('pass');
  });

  it('429 with an RFC 850 Retry-After consistent with Reset passes; a fractional one fails with a hint', () => {
    const rfc850 = new Date(NOW + 20_000)
      .toUTCString()
      .replace(/^(\w+), (\d\d) (\w+) \d\d(\d\d)/, (_m, d: string, dd: string, mon: string, yy: string) => {
        const long = {
          Mon: 'Monday',
          Tue: 'Tuesday',
          Wed: 'Wednesday',
          Thu: 'Thursday',
          Fri: 'Friday',
          Sat: 'Saturday',
          Sun: 'Sunday',
        }[d];
        return `${long}, ${dd}-${mon}-${yy}`;
      });
    expect(
      judge(contract429, [with429({ 'retry-after': rfc850, 'x-ratelimit-reset': '20' })])[0]?.status,
    ).toBe('pass');
    const f = judge(contract429, [with429({ 'retry-after': '0.25' })])[0];
    expect(f).toMatchObject({ status: 'fail', messageId: 'badRetryAfter' });
    expect(String(f?.data?.hint)).toMatch(/fractional/);
  });

  it('a Retry-After equal to an epoch Reset is named as an epoch timestamp, not milliseconds', () => {
    const reset = String(Math.floor(NOW / 1000) + 30);
    const f = judge(contract429, [with429({ 'retry-after': reset, 'x-ratelimit-reset': reset })])[0];
    expect(f).toMatchObject({ status: 'fail', messageId: 'tooLong' });
    expect(String(f?.data?.hint)).toMatch(/equals X-RateLimit-Reset .*epoch timestamp/);
  });

  it('several IETF policies in any order: the binding one is judged and its own window applies', () => {
    const fields: Fields = {
      ...conformant(),
      'ratelimit-policy': '"daily";q=1000;w=86400, "burst";q=100;w=60',
      ratelimit: '"daily";r=900;t=3600, "burst";r=50;t=30',
    };
    for (const k of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) delete fields[k];
    expect(advertisedBudget(fields)).toMatchObject({ limit: 100, remaining: 50, policy: 'burst' });
    expect(verdict(headersFormat, fields)).toMatchObject({ status: 'pass', data: { window: 60 } });
    expect(verdict(policyMatch, fields)?.status).toBe('pass');
  });

  it('the expected policy passes wherever it is listed, and the legacy window is the one whose quota matches', () => {
    const fields: Fields = { ...conformant(), 'x-ratelimit-limit': '10, 10;w=1, 100;w=60' };
    expect(verdict(policyMatch, fields)).toMatchObject({ status: 'pass', messageId: 'listed' });
    const lent = { ...conformant(), 'ratelimit-policy': '1000;w=3600, 100;w=60', 'x-ratelimit-reset': '55' };
    expect(verdict(headersFormat, lent)).toMatchObject({ status: 'pass', data: { window: 60 } });
  });

  it('a missing Reset is a format failure that names X-RateLimit-Reset', () => {
    const fields: Fields = conformant();
    delete fields['x-ratelimit-reset'];
    expect(verdict(headersFormat, fields)).toMatchObject({
      status: 'fail',
      messageId: 'resetMissing',
      data: { field: 'X-RateLimit-Reset' },
    });
  });

  it('Access-Control-Allow-Origin: * without credentials passes saying so; `*, *` is not a grant', () => {
    const e = {
      ...exchange({ ...conformant(), 'access-control-allow-origin': '*' }),
      purpose: 'cors-simple' as const,
    };
    expect(judge(cors, [e])[0]).toMatchObject({ status: 'pass', messageId: 'wildcard' });
  });

  it('an errors.schema failure says whether RFC 9457 or this contract requires the member', () => {
    const body = JSON.stringify({ type: 'about:blank', status: 404 });
    const e = exchange(
      { ...conformant(), 'content-type': 'application/problem+json' },
      { status: 404, body, purpose: 'not-found' },
    );
    expect(String(judge(errorSchema, [e])[0]?.data?.problem)).toMatch(
      /title.*harden-check contract.*RFC 9457 makes every member optional/,
    );
    const instance = JSON.stringify({ title: 'Not Found', status: 404, instance: 'has spaces in it' });
    const e2 = exchange(
      { ...conformant(), 'content-type': 'application/problem+json' },
      { status: 404, body: instance, purpose: 'not-found' },
    );
    expect(String(judge(errorSchema, [e2])[0]?.data?.problem)).toMatch(/instance.*RFC 9457 §3\.1\.5/);
  });
});

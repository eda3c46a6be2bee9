import { describe, expect, it } from 'vitest';
import { readCacheControl, isStorable } from './cache-control.js';
import { readCorsGrant } from './cors.js';
import { cspPolicies, frameAncestors, sourceListReach } from './csp.js';
import { parseDigits } from './digits.js';
import { combinedValue, getDecodeSplit, singletonField, splitList } from './field-lines.js';
import { parseHsts, readHsts } from './hsts.js';
import { parseHttpDate } from './http-date.js';
import { contentType, parseMediaType } from './media-type.js';
import { readNosniff } from './nosniff.js';
import { parseRetryAfter } from './retry-after.js';
import { parseServer } from './server-products.js';
import { parseSfDictionary, parseSfList } from './structured.js';
import { isCanonicalUuid, lenientUuidSpellings, sameUuidDigits, uuidVersion } from './uuid.js';
import { readXFrameOptions } from './x-frame-options.js';

describe('RFC 9110 §5.3 and §5.6.1 lists', () => {
  it.each([
    ['a, b ,c', ['a', 'b', 'c']],
    ['a,,b, ,', ['a', 'b']],
    ['"x, y", z', ['"x, y"', 'z']],
    ['"a \\" , b", c', ['"a \\" , b"', 'c']],
    ['', []],
  ])('splitList(%j) → %j', (input, members) => {
    expect(splitList(input).value).toEqual(members);
  });

  it('reports an unterminated quoted string', () => {
    expect(splitList('"open, b').problems[0]).toMatch(/unterminated/);
  });

  it('combines field lines in order, and Fetch keeps empty members', () => {
    const fields = { vary: ['accept', 'origin'], x: ' a ,, b ' };
    expect(combinedValue(fields, 'Vary')).toBe('accept, origin');
    expect(getDecodeSplit(fields, 'x')).toEqual(['a', '', 'b']);
    expect(getDecodeSplit(fields, 'absent')).toBeUndefined();
    expect(singletonField({ date: ['one', 'two'] }, 'date')).toEqual({
      first: 'one',
      lines: ['one', 'two'],
      repeated: true,
    });
  });
});

describe('RFC 9651 structured fields (structured-headers)', () => {
  it('parses lists with parameters, escaped quotes and inner lists', () => {
    const list = parseSfList('"a\\"b";q=1, (1 2);w=3, tok').value!;
    expect(list[0]![0]).toBe('a"b');
    expect(Array.isArray(list[1]![0])).toBe(true);
    expect(list[2]![0].toString()).toBe('tok');
  });

  it('turns grammar errors into problems instead of throwing', () => {
    expect(parseSfList('"unterminated').problems[0]).toMatch(/RFC 9651/);
    expect(parseSfDictionary('limit=1, remaining=').value).toBeUndefined();
    expect(parseSfList('1.5.5').value).toBeUndefined();
  });
});

describe('HTTP-date (RFC 9110 §5.6.7)', () => {
  // The RFC's own three spellings of one instant.
  const instant = Date.UTC(1994, 10, 6, 8, 49, 37);
  it.each([
    ['Sun, 06 Nov 1994 08:49:37 GMT', 'imf-fixdate'],
    ['Sunday, 06-Nov-94 08:49:37 GMT', 'rfc850'],
    ['Sun Nov  6 08:49:37 1994', 'asctime'],
  ])('%s is the %s form', (value, form) => {
    expect(parseHttpDate(value, Date.UTC(2026, 0, 1)).value).toEqual({ epochMs: instant, form });
  });

  it.each([
    '5 GMT',
    'Nov 30 2026 18:27:18 GMT',
    '2026-11-30T18:27:18Z',
    'Sun, 06 Nov 1994 08:49:37 UTC',
    'sun, 06 nov 1994 08:49:37 GMT',
    'Sun, 31 Nov 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 24:00:00 GMT',
    '1732991238',
  ])('%s is not an HTTP-date', (value) => {
    const r = parseHttpDate(value);
    expect(r.value).toBeUndefined();
    expect(r.problems).toHaveLength(1);
  });

  it('reads an RFC 850 year more than 50 years ahead as the past century', () => {
    expect(
      new Date(
        parseHttpDate('Friday, 01-Jan-99 00:00:00 GMT', Date.UTC(2026, 0, 1)).value!.epochMs,
      ).getUTCFullYear(),
    ).toBe(1999);
    expect(
      new Date(
        parseHttpDate('Friday, 01-Jan-27 00:00:00 GMT', Date.UTC(2026, 0, 1)).value!.epochMs,
      ).getUTCFullYear(),
    ).toBe(2027);
  });
});

describe('delay-seconds and Retry-After (RFC 9110 §10.2.3)', () => {
  it.each([
    ['120', { kind: 'delay-seconds', seconds: 120 }],
    [' 0 ', { kind: 'delay-seconds', seconds: 0 }],
    ['Wed, 21 Oct 2015 07:28:00 GMT', { kind: 'http-date', form: 'imf-fixdate' }],
  ])('%j parses', (value, shape) => {
    expect(parseRetryAfter(value).value).toMatchObject(shape);
  });

  it.each(['0.25', '-1', '5 GMT', '60s', ''])('%j is rejected', (value) => {
    expect(parseRetryAfter(value).value).toBeUndefined();
  });

  it('names why a number is not 1*DIGIT', () => {
    expect(parseDigits('1.5').problems[0]).toMatch(/fractional/);
    expect(parseDigits('12ms').problems[0]).toMatch(/unit/);
  });
});

describe('Strict-Transport-Security (RFC 6797 §6.1)', () => {
  it.each([
    ['max-age=31536000; includeSubDomains', { maxAge: 31536000, includeSubDomains: true }],
    ['max-age="0"', { maxAge: 0, includeSubDomains: false }],
    ['  MAX-AGE = 10 ;; preload', { maxAge: 10, preload: true }],
    ['max-age=5; future-ext="a;b"', { maxAge: 5 }],
  ])('%j is valid', (value, shape) => {
    expect(parseHsts(value).value).toMatchObject(shape);
  });

  it.each([
    ['max-age=31536000; max-age=0', /more than once/],
    ['max-age="31536000', /unbalanced quote/],
    ['includeSubDomains', /max-age directive is missing/],
    ['max-age=1.5', /not delta-seconds/],
    ['max-age=abc', /not delta-seconds/],
    ['max-age=1, max-age=2', /unexpected ","/],
  ])('%j is invalid (%s)', (value, why) => {
    const r = parseHsts(value);
    expect(r.value).toBeUndefined();
    expect(r.problems[0]).toMatch(why);
  });

  it('judges the first of several field lines (§8.1)', () => {
    expect(readHsts({ 'strict-transport-security': ['max-age=100', 'max-age=0'] })).toMatchObject({
      value: { maxAge: 100 },
      lines: 2,
    });
  });
});

describe('CSP policy lists (CSP3 §3.1) and frame-ancestors', () => {
  it('each line and each comma-separated member is a policy; report-only kept apart', () => {
    const policies = cspPolicies({
      'content-security-policy': ["default-src 'none'", "script-src 'self', frame-ancestors 'none'"],
      'content-security-policy-report-only': 'frame-ancestors *',
    });
    expect(policies.map((p) => p.disposition)).toEqual(['enforce', 'enforce', 'enforce', 'report']);
    expect(frameAncestors({ 'content-security-policy-report-only': 'frame-ancestors *' })).toBeUndefined();
  });

  it('keeps the first occurrence of a directive and lists the repeat', () => {
    const [p] = cspPolicies({ 'content-security-policy': "frame-ancestors 'none'; Frame-Ancestors *" });
    expect(p?.directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(p?.duplicates).toEqual(['frame-ancestors']);
  });

  it('the strictest enforced frame-ancestors decides', () => {
    const v = frameAncestors({ 'content-security-policy': ['frame-ancestors *', "frame-ancestors 'self'"] });
    expect(v).toMatchObject({ reach: 'restricted', policies: 2 });
  });

  it.each([
    [["'none'"], 'none'],
    [[], 'none'],
    [["'self'"], 'restricted'],
    [['https://a.example', '*.b.example'], 'restricted'],
    [['*'], 'open'],
    [['https:'], 'open'],
    [["'none'", 'https:'], 'open'],
  ])('source list %j reaches %s', (sources, reach) => {
    expect(sourceListReach(sources)).toBe(reach);
  });
});

describe('X-Frame-Options (HTML standard)', () => {
  it.each([
    ['DENY', 'deny', false],
    ['deny, DENY', 'deny', true],
    ['SAMEORIGIN', 'sameorigin', false],
    ['DENY, SAMEORIGIN', 'conflict-deny', false],
    ['ALLOW-FROM https://a.example', 'ignored', false],
    ['ALLOWALL', 'ignored', false],
    ['foo, bar', 'ignored', false],
  ])('%j → %s', (value, effect, duplicated) => {
    expect(readXFrameOptions({ 'x-frame-options': value })).toMatchObject({ effect, duplicated });
  });
});

describe('other fields', () => {
  it('nosniff follows Fetch: first member of the combined list', () => {
    expect(readNosniff({ 'x-content-type-options': ['nosniff', 'nosniff'] })).toMatchObject({
      nosniff: true,
      duplicated: true,
    });
    expect(readNosniff({ 'x-content-type-options': ',nosniff' })?.nosniff).toBe(false);
  });

  it('reads media types, Cache-Control, Server and CORS grants by their grammars', () => {
    expect(parseMediaType('Application/Problem+JSON; charset=utf-8')).toBe('application/problem+json');
    expect(parseMediaType('json')).toBeUndefined();
    expect(contentType({ 'content-type': ['text/html', 'application/json'] })).toBe('text/html');
    const cc = readCacheControl({
      'cache-control': ['private, max-age=0', 'no-cache="set-cookie, x", no-store'],
    });
    expect(cc?.directives.get('no-cache')).toBe('set-cookie, x');
    expect(cc?.directives.has('no-store')).toBe(true);
    expect(isStorable(readCacheControl({ 'cache-control': 'public, max-age=60' }))).toBe(true);
    expect(isStorable(readCacheControl({ 'cache-control': 'max-age=0' }))).toBe(false);
    expect(parseServer('nginx/1.25.3').revealsVersion).toBe(true);
    expect(parseServer('Apache (Debian 12)').revealsVersion).toBe(true);
    expect(parseServer('cloudflare').revealsVersion).toBe(false);
    expect(
      readCorsGrant({ 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'True' }),
    ).toMatchObject({ credentials: false });
    expect(readCorsGrant({ 'access-control-allow-origin': ['*', '*'] })).toMatchObject({ repeated: true });
  });

  it('accepts canonical UUIDs only', () => {
    const id = '5f0c6a3e-2b1d-4c8e-9a7f-0e1d2c3b4a59';
    expect(isCanonicalUuid(id)).toBe(true);
    expect(isCanonicalUuid(id.toUpperCase())).toBe(true);
    expect(uuidVersion(id)).toBe('4');
    for (const spelling of lenientUuidSpellings(id)) {
      expect(isCanonicalUuid(spelling)).toBe(false);
      expect(sameUuidDigits(spelling, id)).toBe(true);
    }
    expect(lenientUuidSpellings(id).some((s) => s.length > 300)).toBe(true);
  });
});

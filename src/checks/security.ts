import {
  cspPolicies,
  sourceListReach,
  type HstsPolicy,
  readCacheControl,
  readHsts,
  readNosniff,
} from '../http/fields/index.js';
import type { CheckDef } from './define.js';
import { excerpt, perEndpoint, responded, statusList } from './util.js';

export const OWASP = 'OWASP REST Security Cheat Sheet; OWASP Secure Headers Project';

export const nosniff: CheckDef = {
  id: 'security.nosniff',
  category: 'security',
  severity: 'error',
  title: 'X-Content-Type-Options: nosniff',
  rule: 'Every response carries X-Content-Type-Options that browsers read as `nosniff`: all field lines combined into one list, the first member trimmed and compared case-insensitively (Fetch "determine nosniff"). A duplicated `nosniff` passes with a note.',
  why: 'Without it browsers may sniff a JSON or error body as HTML or script and execute it.',
  fix: '- Express: `helmet()` (or `res.set("X-Content-Type-Options", "nosniff")`).\n- Fastify: `@fastify/helmet`.\n- nginx: `add_header X-Content-Type-Options nosniff always;`\n- Set it in one layer only (application or proxy) to avoid the duplicate.',
  source: `${OWASP}; MDN Observatory x-content-type-options`,
  grammar:
    'Fetch standard "determine nosniff": all lines combined and split (RFC 9110 §5.3, §5.6.1), the first member compared case-insensitively',
  needs: ['endpoints', 'not-found'],
  messages: {
    ok: '{endpoint}: nosniff on every response',
    duplicated:
      '{endpoint}: nosniff applies, but X-Content-Type-Options is duplicated ("{value}"); browsers read the first member — set it in one layer only',
    missing:
      '{endpoint}: X-Content-Type-Options missing (status {statuses}); add `X-Content-Type-Options: nosniff` to all responses, errors included',
    bad: '{endpoint}: X-Content-Type-Options is "{value}"; browsers judge its first member "{first}", which is not "nosniff"',
  },
  evaluate(ctx) {
    return perEndpoint(
      responded(ctx.exchanges),
      (e) => {
        const r = readNosniff(e.response.headers);
        if (r === undefined)
          return {
            status: 'fail',
            messageId: 'missing',
            data: { statuses: e.response.status },
            expected: 'nosniff',
            actual: null,
          };
        const value = r.members.join(', ');
        if (!r.nosniff)
          return {
            status: 'fail',
            messageId: 'bad',
            data: { value: excerpt(value), first: excerpt(r.first) },
            expected: 'nosniff',
            actual: value,
          };
        if (r.duplicated) return { status: 'pass', messageId: 'duplicated', data: { value: excerpt(value) } };
        return undefined;
      },
      () => ({ status: 'pass', messageId: 'ok' }),
    );
  },
};

/** Observatory's six-month threshold (MDN Observatory strict-transport-security). */
export const HSTS_MIN_AGE = 15_552_000;

export const hsts: CheckDef = {
  id: 'security.hsts',
  category: 'security',
  severity: 'error',
  title: 'Strict-Transport-Security on HTTPS',
  rule: `HTTPS targets send Strict-Transport-Security with a valid max-age ≥ ${HSTS_MIN_AGE} (six months); a field with a repeated directive or bad quoting is invalid and ignored by browsers (fail); of two field lines the first applies (noted); plain-HTTP targets are not judged.`,
  why: 'HSTS stops downgrade and cookie-stripping attacks after the first visit.',
  fix: '- Express: `helmet.hsts({ maxAge: 31536000, includeSubDomains: true })`.\n- nginx: `add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;`\n- Behind a TLS terminator, set it at the terminator, and in one layer only.',
  source: 'RFC 6797; MDN Observatory strict-transport-security',
  grammar:
    'RFC 6797 §6.1 directives (each at most once, token or quoted-string values; an invalid field is ignored whole) and §8.1 (only the first field is processed)',
  needs: ['endpoints'],
  messages: {
    http: 'target is plain HTTP; HSTS applies to HTTPS only (serve the API over HTTPS in production)',
    ok: '{endpoint}: HSTS max-age={age}{extra}',
    twice:
      '{endpoint}: HSTS max-age={age}{extra} applies, but Strict-Transport-Security came on {lines} lines; browsers use the first — set it in one layer only',
    missing:
      '{endpoint}: no Strict-Transport-Security on an HTTPS response; add `max-age=31536000; includeSubDomains`',
    short: '{endpoint}: HSTS max-age={age} is below {min} (six months); use 31536000',
    bad: '{endpoint}: {problem}; browsers ignore the whole field',
  },
  evaluate(ctx) {
    if (ctx.target.protocol !== 'https:') return [{ status: 'skip', messageId: 'http' }];
    return perEndpoint(
      responded(ctx.exchanges),
      (e) => {
        const r = readHsts(e.response.headers);
        if (r === undefined)
          return { status: 'fail', messageId: 'missing', expected: `max-age>=${HSTS_MIN_AGE}`, actual: null };
        if (!r.value)
          return { status: 'fail', messageId: 'bad', data: { problem: r.problems[0] }, actual: r.first };
        const age = r.value.maxAge;
        if (age < HSTS_MIN_AGE)
          return { status: 'fail', messageId: 'short', data: { age, min: HSTS_MIN_AGE }, actual: age };
        if (r.lines > 1)
          return {
            status: 'pass',
            messageId: 'twice',
            data: { age, extra: hstsExtra(r.value), lines: r.lines },
          };
        return undefined;
      },
      (_endpoint, es) => {
        const v = readHsts(es[0]!.response.headers)?.value;
        return { status: 'pass', messageId: 'ok', data: { age: v?.maxAge, extra: v ? hstsExtra(v) : '' } };
      },
    );
  },
};

function hstsExtra(v: HstsPolicy): string {
  const extra = [v.includeSubDomains ? 'includeSubDomains' : '', v.preload ? 'preload' : '']
    .filter(Boolean)
    .join(', ');
  return extra ? ` (${extra})` : '';
}

export const cacheControl: CheckDef = {
  id: 'security.cache-control',
  category: 'security',
  severity: 'error',
  title: 'Cache-Control: no-store',
  rule: 'API responses, and every error response, carry Cache-Control with `no-store`.',
  why: 'Shared caches and browsers may otherwise store personal data or error responses (429s must never be cached, RFC 6585 §4).',
  fix: '- Express: `res.set("Cache-Control", "no-store")` in a middleware (helmet does not set it).\n- Fastify: `reply.header("cache-control", "no-store")` in an onSend hook.\n- nginx: `add_header Cache-Control "no-store" always;`\n- Public, cacheable GETs can be exempted in harden-check.config.json (`checks.cacheable`).',
  source: `${OWASP}; RFC 9111 §5.2.2.5; RFC 6585 §4`,
  grammar: 'RFC 9111 §5.2 Cache-Control, a list of directives (RFC 9110 §5.6.1), all lines combined (§5.3)',
  needs: ['endpoints', 'not-found'],
  messages: {
    ok: '{endpoint}: no-store on every response',
    missing: '{endpoint}: Cache-Control is {value} on status {statuses}; send `Cache-Control: no-store`',
    exempt: '{endpoint}: exempt by checks.cacheable in the config',
  },
  evaluate(ctx) {
    const findings = perEndpoint(
      responded(ctx.exchanges),
      (e) => {
        const cc = readCacheControl(e.response.headers);
        if (cc?.directives.has('no-store')) return undefined;
        return {
          status: 'fail',
          messageId: 'missing',
          data: { value: cc === undefined ? 'absent' : `"${excerpt(cc.raw)}"`, statuses: e.response.status },
          expected: 'no-store',
          actual: cc?.raw ?? null,
        };
      },
      () => ({ status: 'pass', messageId: 'ok' }),
    );
    return findings.map((f) =>
      f.status !== 'pass' && f.endpoint && ctx.cacheable.includes(f.endpoint)
        ? { status: 'skip', messageId: 'exempt', endpoint: f.endpoint }
        : f,
    );
  },
};

export const csp: CheckDef = {
  id: 'security.csp',
  category: 'security',
  severity: 'warning',
  title: "CSP default-src 'none' for API responses",
  rule: "JSON API responses carry an enforced Content-Security-Policy with `default-src 'none'` in at least one policy (each line or comma-separated member is its own policy, all enforced; a repeated directive counts the first time). Report-Only policies do not count (a warning, not a failure).",
  why: 'If a response is ever rendered as a document (an error page, a sniffed body), nothing in it may load or run.',
  fix: "- Express: `helmet.contentSecurityPolicy({ directives: { defaultSrc: [\"'none'\"], frameAncestors: [\"'none'\"] } })`.\n- nginx: `add_header Content-Security-Policy \"default-src 'none'; frame-ancestors 'none'\" always;`\n- A Content-Security-Policy-Report-Only policy only reports: send the same policy as Content-Security-Policy to enforce it.",
  source: OWASP,
  grammar:
    'CSP3 §3.1 (a policy per field line and per comma-separated member) and §2.2.1 (parse a serialized policy; the first occurrence of a directive wins), via content-security-policy-parser; Report-Only policies kept apart',
  needs: ['endpoints'],
  messages: {
    ok: "{endpoint}: CSP default-src 'none'{note}",
    missing:
      "{endpoint}: no enforced Content-Security-Policy (status {statuses}){reportOnly}; send `default-src 'none'` on API responses",
    weak: '{endpoint}: no enforced CSP policy has default-src \'none\' ("{value}"){reportOnly}',
  },
  evaluate(ctx) {
    return perEndpoint(
      responded(ctx.exchanges),
      (e) => {
        const policies = cspPolicies(e.response.headers);
        const enforced = policies.filter((p) => p.disposition === 'enforce');
        const report = policies.find((p) => p.disposition === 'report');
        const reportOnly = report
          ? `; a Content-Security-Policy-Report-Only policy ("${excerpt(report.raw, 40)}") was seen, but it only reports and enforces nothing`
          : '';
        if (enforced.length === 0)
          return {
            status: 'warn',
            messageId: 'missing',
            data: { statuses: statusList([e]), reportOnly },
            expected: "default-src 'none'",
            actual: null,
          };
        const strict = enforced.find((p) => {
          const src = p.directives.get('default-src');
          return src !== undefined && sourceListReach(src) === 'none';
        });
        if (!strict) {
          const value = enforced.map((p) => p.raw).join(', ');
          return {
            status: 'warn',
            messageId: 'weak',
            data: { value: excerpt(value), reportOnly },
            actual: value,
          };
        }
        if (strict.duplicates.length > 0)
          return {
            status: 'pass',
            messageId: 'ok',
            data: {
              note: ` (repeated ${strict.duplicates.join(', ')} ignored: the first occurrence counts)`,
            },
          };
        return undefined;
      },
      () => ({ status: 'pass', messageId: 'ok', data: { note: '' } }),
    );
  },
};

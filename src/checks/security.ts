import type { CheckDef } from './define.js';
import { excerpt, header, headerValues, perEndpoint, responded, statusList } from './util.js';

export const OWASP = 'OWASP REST Security Cheat Sheet; OWASP Secure Headers Project';

export const nosniff: CheckDef = {
  id: 'security.nosniff',
  category: 'security',
  severity: 'error',
  title: 'X-Content-Type-Options: nosniff',
  rule: 'Every response carries X-Content-Type-Options whose value, trimmed and lower-cased, is exactly `nosniff`.',
  why: 'Without it browsers may sniff a JSON or error body as HTML or script and execute it.',
  fix: '- Express: `helmet()` (or `res.set("X-Content-Type-Options", "nosniff")`).\n- Fastify: `@fastify/helmet`.\n- nginx: `add_header X-Content-Type-Options nosniff always;`',
  source: `${OWASP}; MDN Observatory x-content-type-options`,
  needs: ['endpoints', 'not-found'],
  messages: {
    ok: '{endpoint}: nosniff on every response',
    missing:
      '{endpoint}: X-Content-Type-Options missing (status {statuses}); add `X-Content-Type-Options: nosniff` to all responses, errors included',
    bad: '{endpoint}: X-Content-Type-Options is "{value}", expected exactly "nosniff"',
  },
  evaluate(ctx) {
    return perEndpoint(
      responded(ctx.exchanges),
      (e) => {
        const v = header(e, 'x-content-type-options');
        if (v === undefined)
          return {
            status: 'fail',
            messageId: 'missing',
            data: { statuses: e.response.status },
            expected: 'nosniff',
            actual: null,
          };
        if (v.trim().toLowerCase() !== 'nosniff')
          return {
            status: 'fail',
            messageId: 'bad',
            data: { value: excerpt(v) },
            expected: 'nosniff',
            actual: v,
          };
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
  rule: `HTTPS targets send exactly one Strict-Transport-Security header with max-age ≥ ${HSTS_MIN_AGE} (six months); plain-HTTP targets are not judged.`,
  why: 'HSTS stops downgrade and cookie-stripping attacks after the first visit.',
  fix: '- Express: `helmet.hsts({ maxAge: 31536000, includeSubDomains: true })`.\n- nginx: `add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;`\n- Behind a TLS terminator, set it at the terminator.',
  source: 'RFC 6797; MDN Observatory strict-transport-security',
  needs: ['endpoints'],
  messages: {
    http: 'target is plain HTTP; HSTS applies to HTTPS only (serve the API over HTTPS in production)',
    ok: '{endpoint}: HSTS max-age={age}{extra}',
    missing:
      '{endpoint}: no Strict-Transport-Security on an HTTPS response; add `max-age=31536000; includeSubDomains`',
    twice: '{endpoint}: Strict-Transport-Security is set twice ("{value}"); set it in one layer only',
    short: '{endpoint}: HSTS max-age={age} is below {min} (six months); use 31536000',
    bad: '{endpoint}: HSTS "{value}" has no valid max-age',
  },
  evaluate(ctx) {
    if (ctx.target.protocol !== 'https:') return [{ status: 'skip', messageId: 'http' }];
    return perEndpoint(
      responded(ctx.exchanges),
      (e) => {
        const values = headerValues(e, 'strict-transport-security');
        if (values.length === 0)
          return { status: 'fail', messageId: 'missing', expected: `max-age>=${HSTS_MIN_AGE}`, actual: null };
        const v = values.join(', ');
        if (values.length > 1 || v.includes(','))
          return { status: 'fail', messageId: 'twice', data: { value: excerpt(v) }, actual: v };
        const m = /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?\s*(?:;|$)/i.exec(v);
        if (!m) return { status: 'fail', messageId: 'bad', data: { value: excerpt(v) }, actual: v };
        const age = Number(m[1]);
        if (age < HSTS_MIN_AGE)
          return { status: 'fail', messageId: 'short', data: { age, min: HSTS_MIN_AGE }, actual: age };
        return undefined;
      },
      (_endpoint, es) => {
        const v = header(es[0]!, 'strict-transport-security') ?? '';
        const age = /max-age\s*=\s*"?(\d+)/i.exec(v)?.[1];
        const extra = [
          /includesubdomains/i.test(v) ? 'includeSubDomains' : '',
          /preload/i.test(v) ? 'preload' : '',
        ]
          .filter(Boolean)
          .join(', ');
        return { status: 'pass', messageId: 'ok', data: { age, extra: extra ? ` (${extra})` : '' } };
      },
    );
  },
};

function frameAncestors(csp: string | undefined): string | undefined {
  if (!csp) return undefined;
  for (const directive of csp.split(';')) {
    const [name, ...rest] = directive.trim().split(/\s+/);
    if (name?.toLowerCase() === 'frame-ancestors') return rest.join(' ').toLowerCase();
  }
  return undefined;
}

export const framing: CheckDef = {
  id: 'security.framing',
  category: 'security',
  severity: 'error',
  title: 'Framing is denied',
  rule: "Responses carry `Content-Security-Policy: frame-ancestors 'none'` or `X-Frame-Options: DENY`; SAMEORIGIN or 'self' is a warning; anything else fails.",
  why: 'A response rendered inside a hostile frame enables clickjacking; API error pages are rendered by browsers too.',
  fix: "- Express: `helmet()` sets `X-Frame-Options: SAMEORIGIN`; prefer `helmet.frameguard({ action: 'deny' })`.\n- nginx: `add_header X-Frame-Options DENY always;` or `add_header Content-Security-Policy \"frame-ancestors 'none'\" always;`",
  source: `${OWASP}; MDN Observatory x-frame-options`,
  needs: ['endpoints'],
  messages: {
    ok: '{endpoint}: framing denied ({how})',
    weak: "{endpoint}: framing allowed from the same origin ({how}); use DENY / frame-ancestors 'none' for an API",
    missing:
      '{endpoint}: no X-Frame-Options and no CSP frame-ancestors (status {statuses}); add `X-Frame-Options: DENY`',
    invalid: '{endpoint}: X-Frame-Options "{value}" is not valid (DENY or SAMEORIGIN)',
  },
  evaluate(ctx) {
    return perEndpoint(
      responded(ctx.exchanges),
      (e) => {
        const fa = frameAncestors(header(e, 'content-security-policy'));
        const xfo = header(e, 'x-frame-options')?.trim().toUpperCase();
        if (fa === "'none'") return undefined;
        if (xfo === 'DENY') return undefined;
        if (fa === "'self'" || xfo === 'SAMEORIGIN' || xfo?.startsWith('ALLOW-FROM')) {
          return {
            status: 'warn',
            messageId: 'weak',
            data: { how: fa ? `frame-ancestors ${fa}` : `X-Frame-Options ${xfo}` },
          };
        }
        if (xfo !== undefined)
          return { status: 'fail', messageId: 'invalid', data: { value: excerpt(xfo) }, actual: xfo };
        if (fa !== undefined)
          return { status: 'warn', messageId: 'weak', data: { how: `frame-ancestors ${fa}` } };
        return {
          status: 'fail',
          messageId: 'missing',
          data: { statuses: e.response.status },
          expected: 'X-Frame-Options: DENY',
          actual: null,
        };
      },
      (_endpoint, es) => {
        const e = es[0]!;
        const how =
          frameAncestors(header(e, 'content-security-policy')) === "'none'"
            ? "frame-ancestors 'none'"
            : 'X-Frame-Options DENY';
        return { status: 'pass', messageId: 'ok', data: { how } };
      },
    );
  },
};

export const cacheControl: CheckDef = {
  id: 'security.cache-control',
  category: 'security',
  severity: 'error',
  title: 'Cache-Control: no-store',
  rule: 'API responses, and every error response, carry Cache-Control with `no-store`.',
  why: 'Shared caches and browsers may otherwise store personal data or error responses (429s must never be cached, RFC 6585 §4).',
  fix: '- Express: `res.set("Cache-Control", "no-store")` in a middleware (helmet does not set it).\n- Fastify: `reply.header("cache-control", "no-store")` in an onSend hook.\n- nginx: `add_header Cache-Control "no-store" always;`\n- Public, cacheable GETs can be exempted in harden-check.config.json (`checks.cacheable`).',
  source: `${OWASP}; RFC 9111 §5.2.2.5; RFC 6585 §4`,
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
        const v = header(e, 'cache-control');
        if (v && /(^|,)\s*no-store\s*(,|$)/i.test(v)) return undefined;
        return {
          status: 'fail',
          messageId: 'missing',
          data: { value: v === undefined ? 'absent' : `"${excerpt(v)}"`, statuses: e.response.status },
          expected: 'no-store',
          actual: v ?? null,
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
  rule: "JSON API responses carry `Content-Security-Policy: default-src 'none'` (a warning, not a failure).",
  why: 'If a response is ever rendered as a document (an error page, a sniffed body), nothing in it may load or run.',
  fix: "- Express: `helmet.contentSecurityPolicy({ directives: { defaultSrc: [\"'none'\"], frameAncestors: [\"'none'\"] } })`.\n- nginx: `add_header Content-Security-Policy \"default-src 'none'; frame-ancestors 'none'\" always;`",
  source: OWASP,
  needs: ['endpoints'],
  messages: {
    ok: "{endpoint}: CSP default-src 'none'",
    missing:
      "{endpoint}: no Content-Security-Policy (status {statuses}); send `default-src 'none'` on API responses",
    weak: '{endpoint}: CSP "{value}" lacks default-src \'none\'',
  },
  evaluate(ctx) {
    return perEndpoint(
      responded(ctx.exchanges),
      (e) => {
        const v = header(e, 'content-security-policy');
        if (v === undefined)
          return {
            status: 'warn',
            messageId: 'missing',
            data: { statuses: statusList([e]) },
            expected: "default-src 'none'",
            actual: null,
          };
        if (!/(^|;)\s*default-src\s+'none'\s*(;|$)/i.test(v))
          return { status: 'warn', messageId: 'weak', data: { value: excerpt(v) }, actual: v };
        return undefined;
      },
      () => ({ status: 'pass', messageId: 'ok' }),
    );
  },
};

import type { CheckContext, CheckDef, Finding } from '../define.js';
import {
  contentType,
  hasField,
  isJsonMediaType,
  isStorable,
  readCacheControl,
  retryAfter,
  retryAfterSeconds,
} from '../../http/fields/index.js';
import { parseJson, responded } from '../util.js';
import { parseRateLimit, primary, type RateLimitInfo, resetSeconds, responseNowSec } from './parse.js';
import { implausibleRetryHint } from './retry-hint.js';
import { FIX, SOURCE } from './passive.js';

type Responded = ReturnType<typeof responded>[number];

function notRun(ctx: CheckContext): Finding[] | undefined {
  if (ctx.rateLimitProbe.ran) return undefined;
  return [
    {
      status: 'skip',
      messageId: 'notRun',
      data: {
        reason:
          ctx.rateLimitProbe.reason ??
          'run with --rate-limit-probe to exhaust one budget (off by default: it spends the prober’s quota)',
      },
    },
  ];
}

const NOT_RUN = '{reason}';

function exhaust(ctx: CheckContext): Responded[] {
  return responded(ctx.exchanges, ['rl-exhaust']);
}

export const enforced: CheckDef = {
  id: 'ratelimit.enforced',
  category: 'ratelimit',
  severity: 'error',
  title: 'The budget is enforced',
  rule: '(--rate-limit-probe) After the advertised budget is spent, the next request gets 429. A pass needs the change from allowed to refused: an earlier 429 passes (other clients may share the budget), a 429 on the very first probe request is inconclusive (the budget was spent before the probe). With --wait-for-reset, the budget returns after Reset.',
  why: 'A limit that is advertised but not enforced protects nothing: abuse and runaway clients go straight through.',
  fix: FIX,
  source: SOURCE,
  grammar:
    'rate-limit fields as in ratelimit.headers.format (the binding policy: the smallest remaining budget)',
  needs: ['rl-probe'],
  messages: {
    ok: '{endpoint}: allowed, then 429 after {sent} requests (Remaining was {remaining} at start, Limit {limit})',
    spent:
      '{endpoint}: inconclusive: the first probe request already got 429 (Remaining was {remaining} at start, Limit {limit}), so the change from allowed to refused was not seen; run again after the window resets',
    notEnforced:
      '{endpoint}: {sent} requests with a budget of {remaining} (Limit {limit}) and none was 429; the limit is advertised but not enforced',
    returned: '{endpoint}: after waiting for Reset, the budget returned (status {status}, Remaining {after})',
    notReturned:
      '{endpoint}: after waiting for Reset the request still got {status}; the window does not reset when the server says it will',
    notRun: NOT_RUN,
    transport: 'the probe requests failed ({error}); nothing to judge',
  },
  evaluate(ctx) {
    const skipped = notRun(ctx);
    if (skipped) return skipped;
    const es = exhaust(ctx);
    if (es.length === 0) {
      const failed = ctx.exchanges.find((e) => e.purpose === 'rl-exhaust' && e.error);
      return [
        { status: 'skip', messageId: 'transport', data: { error: failed?.error?.message ?? 'no requests' } },
      ];
    }
    const start = es[0]!.meta as { remaining: number; limit: number };
    const first429 = es.findIndex((e) => e.response.status === 429);
    const endpoint = es[0]!.endpoint;
    const data = {
      sent: first429 === -1 ? es.length : first429 + 1,
      remaining: start.remaining,
      limit: start.limit,
    };
    const out: Finding[] = [
      first429 === 0 && spentBefore(ctx, es[0]!)
        ? { status: 'warn', messageId: 'spent', endpoint, data }
        : first429 === -1
          ? {
              status: 'fail',
              messageId: 'notEnforced',
              endpoint,
              data,
              expected: 429,
              actual: es.at(-1)!.response.status,
            }
          : { status: 'pass', messageId: 'ok', endpoint, data },
    ];
    const reset = responded(ctx.exchanges, ['rl-reset'])[0];
    if (reset) {
      const after = primary(parseRateLimit(reset.response.headers))?.remaining;
      const ok = reset.response.status < 400;
      out.push({
        status: ok ? 'pass' : 'fail',
        messageId: ok ? 'returned' : 'notReturned',
        endpoint: reset.endpoint,
        data: { status: reset.response.status, after: after ?? '?' },
      });
    }
    return out;
  },
};

/**
 * True when the budget was spent before the probe began: the endpoint's own probes (which advertised
 * the budget the probe spends) were already refused, so no allowed request preceded the first 429.
 */
function spentBefore(ctx: CheckContext, firstExhaust: Responded): boolean {
  const before = responded(ctx.exchanges, ['endpoint', 'endpoint-repeat']).filter(
    (e) => e.endpoint === firstExhaust.endpoint && e.seq < firstExhaust.seq,
  );
  return before.length === 0 || before.every((e) => e.response.status === 429);
}

export const contract429: CheckDef = {
  id: 'ratelimit.429.contract',
  category: 'ratelimit',
  severity: 'error',
  title: '429 responses follow the contract',
  rule: 'A 429 carries Retry-After as delay-seconds or an HTTP-date (never fractional, never milliseconds) consistent with Reset within 2 s, X-RateLimit-Remaining 0 (or IETF r=0), a JSON error body, X-Request-ID and X-Latency-MS, and is not cacheable.',
  why: 'Clients back off by Retry-After; a wrong unit makes them hammer the API or stall for hours, and a cached 429 locks out users.',
  fix: `${FIX}\n- rate-limiter-flexible’s README example sends \`msBeforeNext / 1000\` (fractional): round up with Math.ceil.`,
  source: SOURCE,
  grammar:
    'RFC 9110 §10.2.3 Retry-After = HTTP-date / delay-seconds, HTTP-date per §5.6.7 (IMF-fixdate, RFC 850, asctime); rate-limit fields as in ratelimit.headers.format; RFC 9111 §5.2 Cache-Control directives',
  needs: ['rl-probe'],
  messages: {
    ok: '{endpoint}: 429 with Retry-After {retry} s (Reset in {reset} s), Remaining 0, problem body, contract headers',
    noRetryAfter: '{endpoint}: 429 without Retry-After; send delay-seconds until the window resets',
    badRetryAfter:
      '{endpoint}: Retry-After "{value}" is neither delay-seconds (an integer) nor an HTTP-date (IMF-fixdate, RFC 850 or asctime){hint}',
    tooLong: '{endpoint}: Retry-After {value} exceeds the {window} s window{hint}',
    inconsistent:
      '{endpoint}: Retry-After {retry} s but Reset is {reset} s ahead; they must agree within 2 s',
    remaining: '{endpoint}: a 429 with Remaining {remaining}; it must be 0 when the budget is spent',
    body: '{endpoint}: the 429 body is not JSON ({type}); send an application/problem+json body with status 429',
    bodyStatus: '{endpoint}: the 429 body says status {status}; it must be 429',
    contract: '{endpoint}: the 429 lacks {missing}',
    cacheable: '{endpoint}: the 429 is cacheable (Cache-Control "{value}"); send no-store (RFC 6585 §4)',
    none: 'no 429 was observed; run with --rate-limit-probe to provoke one',
    notRun: NOT_RUN,
  },
  evaluate(ctx) {
    const r429 = responded(ctx.exchanges).find((e) => e.response.status === 429);
    if (!r429) return notRun(ctx) ?? [{ status: 'skip', messageId: 'none' }];
    return [judge429(ctx, r429)];
  },
};

function judge429(ctx: CheckContext, e: Responded): Finding {
  const endpoint = e.endpoint;
  const fields = e.response.headers;
  const retry = retryAfter(fields);
  const window = ctx.expectedLimit(endpoint)?.windowSec ?? 60;
  if (retry === undefined)
    return { status: 'fail', messageId: 'noRetryAfter', endpoint, expected: 'Retry-After', actual: null };
  if (retry.value === undefined) {
    const hint = retry.fractional ? ' — fractional seconds; round up' : '';
    return {
      status: 'fail',
      messageId: 'badRetryAfter',
      endpoint,
      data: { value: retry.raw.slice(0, 40), hint },
      actual: retry.raw,
    };
  }
  const nowSec = responseNowSec(e);
  const retrySec = retryAfterSeconds(retry.value, nowSec);
  const info: RateLimitInfo | undefined = ctx.requireLegacyRateLimitHeaders
    ? parseRateLimit(fields).find((i) => i.dialect === 'legacy')
    : primary(parseRateLimit(fields));
  if (retrySec > Math.max(window, 60) * 10) {
    const hint = implausibleRetryHint(retry.value, info, window);
    return {
      status: 'fail',
      messageId: 'tooLong',
      endpoint,
      data: { value: retry.value.raw, window, hint },
      actual: retry.value.raw,
    };
  }
  const resetSec = info ? resetSeconds(info, fields, e.timing.startedAt) : undefined;
  if (resetSec !== undefined && Math.abs(retrySec - resetSec) > 2) {
    return {
      status: 'fail',
      messageId: 'inconsistent',
      endpoint,
      data: { retry: retrySec, reset: Math.round(resetSec) },
      expected: Math.round(resetSec),
      actual: retrySec,
    };
  }
  if (info?.remaining !== undefined && info.remaining !== 0)
    return {
      status: 'fail',
      messageId: 'remaining',
      endpoint,
      data: { remaining: info.remaining },
      expected: 0,
      actual: info.remaining,
    };
  const type = contentType(fields);
  const body = parseJson(e.response.body) as Record<string, unknown> | undefined;
  if (!isJsonMediaType(type) || body === undefined)
    return { status: 'fail', messageId: 'body', endpoint, data: { type: type ?? 'no Content-Type' } };
  if (body && typeof body === 'object' && 'status' in body && body.status !== 429)
    return { status: 'fail', messageId: 'bodyStatus', endpoint, data: { status: String(body.status) } };
  const missing = ['x-request-id', 'x-latency-ms'].filter((h) => !hasField(fields, h));
  if (missing.length)
    return { status: 'fail', messageId: 'contract', endpoint, data: { missing: missing.join(' and ') } };
  const cc = readCacheControl(fields);
  if (isStorable(cc)) return { status: 'fail', messageId: 'cacheable', endpoint, data: { value: cc?.raw } };
  return {
    status: 'pass',
    messageId: 'ok',
    endpoint,
    data: { retry: retrySec, reset: resetSec === undefined ? '?' : Math.round(resetSec) },
  };
}

export const spoofing: CheckDef = {
  id: 'ratelimit.spoofing',
  category: 'ratelimit',
  severity: 'error',
  title: 'Forwarding headers do not reset the budget',
  rule: '(--rate-limit-probe) After the budget is spent, requests with rotating X-Forwarded-For, X-Real-IP and Forwarded values still get 429.',
  why: 'A limiter keyed on client-supplied forwarding headers gives every attacker a fresh budget per request (Express `trust proxy: true`, a Fastify keyGenerator reading XFF).',
  fix: '- Express: `app.set("trust proxy", 1)` (the number of real proxies), never `true`.\n- Fastify: `trustProxy` with the proxy’s address, and the default keyGenerator (`req.ip`).\n- nginx: `set_real_ip_from <proxy CIDR>; real_ip_header X-Forwarded-For;` with only trusted proxies.',
  source: `${SOURCE}; express-rate-limit trust-proxy guidance (ERR_ERL_UNEXPECTED_X_FORWARDED_FOR)`,
  grammar: 'no response field is parsed (status codes only); RFC 7239 Forwarded is what the probe sends',
  needs: ['rl-probe'],
  messages: {
    ok: '{endpoint}: {count} requests with forged forwarding headers all got 429',
    bypass:
      '{endpoint}: a request with {header}: {value} got {status} after the budget was spent; the limiter trusts client-supplied forwarding headers — key on the socket address or the right-most trusted hop',
    notEnforced:
      'the budget was never enforced, so forged headers cannot be told apart; see ratelimit.enforced',
    notRun: NOT_RUN,
  },
  evaluate(ctx) {
    const skipped = notRun(ctx);
    if (skipped) return skipped;
    const es = responded(ctx.exchanges, ['rl-spoof']);
    if (es.length === 0) return [{ status: 'skip', messageId: 'notEnforced' }];
    const bypass = es.find((e) => e.response.status !== 429);
    if (bypass) {
      const h = (bypass.meta?.header as string) ?? 'X-Forwarded-For';
      return [
        {
          status: 'fail',
          messageId: 'bypass',
          endpoint: bypass.endpoint,
          data: {
            header: h,
            value: bypass.request.headers[h.toLowerCase()] ?? '?',
            status: bypass.response.status,
          },
          expected: 429,
          actual: bypass.response.status,
        },
      ];
    }
    return [{ status: 'pass', messageId: 'ok', endpoint: es[0]!.endpoint, data: { count: es.length } }];
  },
};

export const isolation: CheckDef = {
  id: 'ratelimit.isolation',
  category: 'ratelimit',
  severity: 'error',
  title: 'Policies have separate budgets',
  rule: '(--rate-limit-probe) After one policy’s budget is spent, an endpoint under another policy is not 429 and its Remaining has not dropped by the spent amount (a drop of less than 80 % of the spent requests, or of at most three, is taken as other clients’ traffic).',
  why: 'One shared budget lets a burst of cheap calls starve exports, or one customer’s export starve their API calls.',
  fix: `${FIX}\n- Give each policy its own key prefix (e.g. \`rl:export:<ip>\`), not one counter per IP.`,
  source: SOURCE,
  grammar: 'rate-limit fields as in ratelimit.headers.format',
  needs: ['rl-probe'],
  messages: {
    ok: '{endpoint}: still {status} with Remaining {before} → {after} after "{spent}" was spent',
    shared: '{endpoint}: got 429 after only "{spent}" was spent; all policies share one budget',
    drained:
      '{endpoint}: Remaining fell {before} → {after} while "{spent}" was spent; the policies share one counter',
    single:
      'only one rate-limit policy among the probed endpoints; add an endpoint under another policy with --endpoint',
    notRun: NOT_RUN,
  },
  evaluate(ctx) {
    const skipped = notRun(ctx);
    if (skipped) return skipped;
    const e = responded(ctx.exchanges, ['rl-other-policy']).find((x) => x.meta?.phase === 'after');
    if (!e) return [{ status: 'skip', messageId: 'single' }];
    const meta = e.meta as { before: number; spent: string; sent: number };
    const after = primary(parseRateLimit(e.response.headers))?.remaining;
    const data = { before: meta.before, after: after ?? '?', spent: meta.spent, status: e.response.status };
    if (e.response.status === 429)
      return [
        { status: 'fail', messageId: 'shared', endpoint: e.endpoint, data, expected: 'not 429', actual: 429 },
      ];
    // Separate budgets: the other policy drops by about 1 (its own request) plus other clients'
    // traffic. One shared counter: it drops by the requests spent as well. Flag only a drop near
    // that: at least 80 % of the spent requests beyond our own, and more than three in all.
    if (after !== undefined && meta.before - after >= Math.max(4, 1 + Math.ceil(0.8 * meta.sent))) {
      return [
        {
          status: 'fail',
          messageId: 'drained',
          endpoint: e.endpoint,
          data,
          expected: `about ${meta.before - 1}`,
          actual: after,
        },
      ];
    }
    return [{ status: 'pass', messageId: 'ok', endpoint: e.endpoint, data }];
  },
};

export const perIp: CheckDef = {
  id: 'ratelimit.per-ip',
  category: 'ratelimit',
  severity: 'error',
  title: 'Each client IP has its own budget',
  rule: '(--rate-limit-probe, when another local source address is usable: loopback targets, or --source-address) After one address spent the budget, a request from another address is not 429.',
  why: 'A global counter lets one client lock every other client out (a self-inflicted denial of service).',
  fix: `${FIX}\n- Key the counter on the client address (req.ip), not on a constant or the route alone.`,
  source: `${SOURCE}; per-source-address probing as in vegeta -laddr`,
  grammar: 'rate-limit fields as in ratelimit.headers.format',
  needs: ['rl-probe'],
  messages: {
    ok: '{endpoint}: from {address} the request got {status} with Remaining {remaining}: a separate budget',
    shared:
      '{endpoint}: from {address} the request got 429 after another address spent the budget; the budget is global, not per client IP',
    unavailable: '{reason}',
    notRun: NOT_RUN,
  },
  evaluate(ctx) {
    const skipped = notRun(ctx);
    if (skipped) return skipped;
    const perIpInfo = ctx.rateLimitProbe.perIp;
    if (!perIpInfo?.ran)
      return [
        {
          status: 'skip',
          messageId: 'unavailable',
          data: {
            reason: perIpInfo?.reason ?? 'no second local source address is usable (pass --source-address)',
          },
        },
      ];
    const e = ctx.exchanges.find((x) => x.purpose === 'rl-other-ip');
    if (!e?.response)
      return [
        {
          status: 'skip',
          messageId: 'unavailable',
          data: {
            reason: `the request from another source address failed (${e?.error?.message ?? 'not sent'})`,
          },
        },
      ];
    const [r] = responded([e]);
    const address = String(e.meta?.address ?? '?');
    const remaining = primary(parseRateLimit(r!.response.headers))?.remaining ?? '?';
    if (r!.response.status === 429)
      return [
        {
          status: 'fail',
          messageId: 'shared',
          endpoint: e.endpoint,
          data: { address },
          expected: 'not 429',
          actual: 429,
        },
      ];
    return [
      {
        status: 'pass',
        messageId: 'ok',
        endpoint: e.endpoint,
        data: { address, status: r!.response.status, remaining },
      },
    ];
  },
};

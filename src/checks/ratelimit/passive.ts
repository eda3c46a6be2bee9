import type { CheckContext, CheckDef, Finding } from '../define.js';
import { byEndpoint, responded } from '../util.js';
import {
  classifyReset,
  parseRateLimit,
  primary,
  type RateLimitInfo,
  rateLimitPolicies,
  responseNowSec,
} from './parse.js';

type Responded = ReturnType<typeof responded>[number];

export const SOURCE =
  'docs/contract.md; draft-ietf-httpapi-ratelimit-headers-10 (and drafts 01–08); RFC 6585 §4; RFC 9110 §10.2.3 (GitHub, express-rate-limit, @fastify/rate-limit)';
export const FIX =
  '- Express: `express-rate-limit` with `legacyHeaders: true` (X-RateLimit-*, Reset in epoch seconds) and/or `standardHeaders: "draft-8"`; set `app.set("trust proxy", <hops>)` only for real proxies.\n' +
  '- Fastify: `@fastify/rate-limit` (Reset is delta seconds; `enableDraftSpec` for the IETF names).\n' +
  '- nginx: `limit_req` enforces but sends no headers; add them in the application or with njs.';

/**
 * Exchanges judged by the passive checks: ordinary endpoint probes, not health endpoints or exempted
 * ones. A 429 is judged too: its fields must still advertise the (spent) budget.
 */
export function rateLimitedExchanges(ctx: CheckContext): Responded[] {
  return responded(ctx.exchanges, ['endpoint', 'endpoint-repeat']).filter(
    (e) =>
      e.response.status < 500 && ctx.expectedLimit(e.endpoint)?.policy !== 'none' && e.meta?.health !== true,
  );
}

/** The convention a response is judged by (legacy unless absent and not required). */
export function judgedInfo(ctx: CheckContext, e: Responded): RateLimitInfo | undefined {
  const infos = parseRateLimit(e.response.headers);
  if (ctx.requireLegacyRateLimitHeaders) return infos.find((i) => i.dialect === 'legacy');
  return primary(infos);
}

export const headersPresent: CheckDef = {
  id: 'ratelimit.headers.present',
  category: 'ratelimit',
  severity: 'error',
  title: 'Rate-limit headers on rate-limited endpoints',
  rule: 'Rate-limited endpoints send X-RateLimit-Limit, -Remaining and -Reset; a target that uses only the IETF RateLimit/RateLimit-Policy fields is judged by those (unless the config requires the X- ones).',
  why: 'Clients can pace themselves only if they can see their budget; without headers they learn it from 429s.',
  fix: FIX,
  source: SOURCE,
  grammar:
    'field presence per dialect (X-RateLimit-*, RateLimit-*, RateLimit/RateLimit-Policy as RFC 9651 structured fields)',
  needs: ['endpoints'],
  messages: {
    ok: '{endpoint}: {convention} rate-limit headers present',
    missing:
      '{endpoint}: no rate-limit headers (looked for X-RateLimit-{Limit,Remaining,Reset}{ietf}); advertise the budget on every response',
    partial: '{endpoint}: {convention} headers incomplete: {missing} missing',
    none: 'no rate-limited endpoint responses to judge',
  },
  evaluate(ctx) {
    const out: Finding[] = [];
    for (const [endpoint, es] of byEndpoint(rateLimitedExchanges(ctx))) {
      const e = es[0]!;
      const info = judgedInfo(ctx, e);
      const ietf = ctx.requireLegacyRateLimitHeaders
        ? ' — the config requires them'
        : ' and IETF RateLimit/RateLimit-Policy';
      if (!info) {
        out.push({
          status: 'fail',
          messageId: 'missing',
          endpoint,
          data: { ietf },
          expected: 'X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset',
          actual: null,
        });
        continue;
      }
      const missing = [
        info.limit === undefined && info.fields.limit,
        info.remaining === undefined && info.fields.remaining,
        info.resetRaw === undefined && info.dialect !== 'ietf-sf' && info.fields.reset,
      ].filter(Boolean);
      const convention = info.dialect === 'legacy' ? 'X-RateLimit-*' : `IETF (${info.dialect})`;
      if (missing.length > 0 && info.problems.length === 0) {
        out.push({
          status: 'fail',
          messageId: 'partial',
          endpoint,
          data: { convention, missing: missing.join(', ') },
        });
      } else out.push({ status: 'pass', messageId: 'ok', endpoint, data: { convention } });
    }
    return out.length ? out : [{ status: 'skip', messageId: 'none' }];
  },
};

export const headersFormat: CheckDef = {
  id: 'ratelimit.headers.format',
  category: 'ratelimit',
  severity: 'error',
  title: 'Rate-limit header values are well-formed',
  rule: 'Limit and Remaining are integers with Remaining ≤ Limit (a Limit list `100, 100;w=60` counts its first member); Reset is present, its style is detected (epoch seconds, epoch milliseconds, delta seconds or an HTTP-date), is the same on every endpoint, and points no further than one window from the response’s Date (±2 s), never into the past. The window is that of the advertised policy whose quota matches the Limit.',
  why: 'Clients compute their back-off from these numbers; a Reset in the past or in the wrong unit makes them retry too early or wait forever.',
  fix: FIX,
  source: SOURCE,
  grammar:
    'X-RateLimit-*: `1*DIGIT`, Limit also as the drafts 01–03 list (RFC 9651 List, first member the limit); draft-07 `RateLimit` as an RFC 9651 Dictionary; draft-08+ `RateLimit`/`RateLimit-Policy` as RFC 9651 Lists of several policies (draft-ietf-httpapi-ratelimit-headers-10 §4–5); Reset also as an RFC 9110 §5.6.7 HTTP-date; Date per §6.6.1',
  needs: ['endpoints'],
  messages: {
    ok: '{endpoint}: Limit {limit}, Remaining {remaining}, Reset as {style} ({delta} s ahead)',
    grammar: '{endpoint}: {problem}',
    overLimit: '{endpoint}: Remaining {remaining} exceeds Limit {limit}',
    resetPast:
      '{endpoint}: Reset {raw} ({style}) is {ago} s in the past of the response Date; it must point at the end of the current window',
    resetFar:
      '{endpoint}: Reset {raw} ({style}) is {delta} s ahead, beyond one {window} s window (+2 s); check its unit',
    resetBad:
      '{endpoint}: Reset "{raw}" is neither epoch seconds, epoch milliseconds, delta seconds nor an HTTP-date',
    resetMissing:
      '{endpoint}: {field} is missing (Limit {limit}, Remaining {remaining} are present); send it so clients know when the budget returns',
    mixed: 'Reset styles differ between endpoints ({styles}); use one style everywhere',
    none: 'no rate-limit headers to judge',
  },
  evaluate(ctx) {
    const out: Finding[] = [];
    const styles = new Map<string, string>();
    for (const [endpoint, es] of byEndpoint(rateLimitedExchanges(ctx))) {
      let verdict: Finding | undefined;
      for (const e of es) {
        const info = judgedInfo(ctx, e);
        if (!info) continue;
        if (info.problems.length > 0) {
          verdict = { status: 'fail', messageId: 'grammar', endpoint, data: { problem: info.problems[0] } };
          break;
        }
        if (info.limit !== undefined && info.remaining !== undefined && info.remaining > info.limit) {
          verdict = {
            status: 'fail',
            messageId: 'overLimit',
            endpoint,
            data: { remaining: info.remaining, limit: info.limit },
          };
          break;
        }
        if (info.resetRaw === undefined) {
          if (info.dialect === 'ietf-sf') continue; // draft-10 §5: t is OPTIONAL
          verdict = {
            status: 'fail',
            messageId: 'resetMissing',
            endpoint,
            data: { field: info.fields.reset, limit: info.limit ?? '?', remaining: info.remaining ?? '?' },
            expected: info.fields.reset,
            actual: null,
          };
          break;
        }
        const window = info.windowSec ?? ctx.expectedLimit(endpoint)?.windowSec ?? 60;
        const reset =
          info.dialect === 'legacy'
            ? classifyReset(info.resetRaw, responseNowSec(e))
            : info.resetDelta !== undefined
              ? { style: 'delta-seconds' as const, deltaSec: info.resetDelta }
              : undefined;
        if (!reset) {
          verdict = {
            status: 'fail',
            messageId: 'resetBad',
            endpoint,
            data: { raw: info.resetRaw.slice(0, 30) },
            actual: info.resetRaw,
          };
          break;
        }
        styles.set(endpoint, reset.style);
        const data = {
          raw: info.resetRaw,
          style: reset.style,
          delta: Math.round(reset.deltaSec),
          window,
          ago: Math.round(-reset.deltaSec),
        };
        if (reset.deltaSec < -2) {
          verdict = {
            status: 'fail',
            messageId: 'resetPast',
            endpoint,
            data,
            expected: `0…${window} s ahead`,
            actual: info.resetRaw,
          };
          break;
        }
        if (reset.deltaSec > window + 2) {
          verdict = {
            status: 'fail',
            messageId: 'resetFar',
            endpoint,
            data,
            expected: `0…${window} s ahead`,
            actual: info.resetRaw,
          };
          break;
        }
        verdict ??= {
          status: 'pass',
          messageId: 'ok',
          endpoint,
          data: { ...data, limit: info.limit, remaining: info.remaining },
        };
      }
      if (verdict) out.push(verdict);
    }
    const distinct = [...new Set(styles.values())];
    if (distinct.length > 1)
      out.push({ status: 'warn', messageId: 'mixed', data: { styles: distinct.join(', ') } });
    return out.length ? out : [{ status: 'skip', messageId: 'none' }];
  },
};

export const policyMatch: CheckDef = {
  id: 'ratelimit.policy',
  category: 'ratelimit',
  severity: 'error',
  title: 'Limit matches the endpoint’s policy',
  rule: 'The advertised Limit equals the expected policy for the endpoint: default 100, webhook 1000, ai 20, export 10 per 60 s (docs/contract.md), or the map in the config’s `policies`. Where several policies are advertised, the expected one passes wherever it is listed.',
  why: 'A wrong limit means the wrong policy is applied: expensive endpoints under the generous budget, or clients throttled for nothing.',
  fix: `${FIX}\n- If your API’s policies differ from the contract’s, declare them in harden-check.config.json: \`"policies": { "GET /reports": { "limit": 10, "windowSec": 60 } }\`.`,
  source: SOURCE,
  grammar:
    'rate-limit fields as in ratelimit.headers.format; every advertised policy of any dialect, in any order',
  needs: ['endpoints'],
  messages: {
    ok: '{endpoint}: Limit {limit} matches the "{policy}" policy',
    listed:
      '{endpoint}: the "{policy}" policy ({expected}) is among the {count} advertised policies (the binding Limit is {limit})',
    mismatch:
      '{endpoint}: Limit {limit} but the "{policy}" policy is {expected}; the endpoint is under the wrong policy (or declare yours in the config)',
    unknown: '{endpoint}: no expected policy configured for this endpoint (Limit {limit})',
    none: 'no rate-limit headers to judge',
  },
  evaluate(ctx) {
    const out: Finding[] = [];
    for (const [endpoint, es] of byEndpoint(rateLimitedExchanges(ctx))) {
      const info = judgedInfo(ctx, es[0]!);
      if (info?.limit === undefined) continue;
      const expected = ctx.expectedLimit(endpoint);
      // Several policies may be advertised in any order: the expected one counts wherever it is listed.
      const policies = rateLimitPolicies(es[0]!.response.headers);
      const listed = expected
        ? policies.find(
            (p) =>
              p.quota === expected.limit && (p.windowSec === undefined || p.windowSec === expected.windowSec),
          )
        : undefined;
      if (!expected)
        out.push({ status: 'skip', messageId: 'unknown', endpoint, data: { limit: info.limit } });
      else if (expected.limit !== info.limit && listed) {
        out.push({
          status: 'pass',
          messageId: 'listed',
          endpoint,
          data: {
            limit: info.limit,
            policy: expected.policy,
            expected: expected.limit,
            count: policies.length,
          },
        });
      } else if (expected.limit !== info.limit) {
        out.push({
          status: 'fail',
          messageId: 'mismatch',
          endpoint,
          data: { limit: info.limit, policy: expected.policy, expected: expected.limit },
          expected: expected.limit,
          actual: info.limit,
        });
      } else
        out.push({
          status: 'pass',
          messageId: 'ok',
          endpoint,
          data: { limit: info.limit, policy: expected.policy },
        });
    }
    return out.length ? out : [{ status: 'skip', messageId: 'none' }];
  },
};

export const remainingDecrements: CheckDef = {
  id: 'ratelimit.remaining.decrements',
  category: 'ratelimit',
  severity: 'error',
  title: 'Remaining decreases request by request',
  rule: 'Two consecutive requests to an endpoint within one window lower Remaining. A drop larger than one passes: other clients may share the budget. Equal or rising values within the same window fail.',
  why: 'A Remaining that never moves is decorative: the budget it advertises is not the one enforced.',
  fix: FIX,
  source: SOURCE,
  grammar: 'rate-limit fields as in ratelimit.headers.format',
  needs: ['endpoints', 'repeat'],
  messages: {
    ok: '{endpoint}: Remaining went {first} → {second}{note}',
    stuck:
      '{endpoint}: Remaining stayed {first} → {second} within one window; decrement the counter on each request',
    rose: '{endpoint}: Remaining rose {first} → {second} within one window (Reset unchanged)',
    newWindow:
      '{endpoint}: a new window began between the two requests (Remaining {first} → {second}); inconclusive',
    spent:
      '{endpoint}: inconclusive: the budget is already spent (429, Remaining {first} → {second}), so Remaining cannot decrement; run again after the window resets',
    none: 'no consecutive rate-limited requests to compare',
  },
  evaluate(ctx) {
    const out: Finding[] = [];
    const es = rateLimitedExchanges(ctx);
    for (const second of es.filter((e) => e.purpose === 'endpoint-repeat')) {
      const first = es
        .filter((e) => e.endpoint === second.endpoint && e.seq < second.seq && e.purpose === 'endpoint')
        .at(-1);
      if (!first) continue;
      const a = judgedInfo(ctx, first);
      const b = judgedInfo(ctx, second);
      if (a?.remaining === undefined || b?.remaining === undefined) continue;
      const data = {
        first: a.remaining,
        second: b.remaining,
        note:
          a.remaining - b.remaining > 1
            ? ` (−${a.remaining - b.remaining}: other traffic shares the budget)`
            : '',
      };
      const endpoint = second.endpoint;
      if (first.response.status === 429 || second.response.status === 429)
        out.push({ status: 'warn', messageId: 'spent', endpoint, data });
      else if (b.remaining < a.remaining) out.push({ status: 'pass', messageId: 'ok', endpoint, data });
      else if (newWindowBetween(a, b, first, second))
        out.push({ status: 'warn', messageId: 'newWindow', endpoint, data });
      else
        out.push({
          status: 'fail',
          messageId: b.remaining === a.remaining ? 'stuck' : 'rose',
          endpoint,
          data,
          expected: `< ${a.remaining}`,
          actual: b.remaining,
        });
    }
    return out.length ? out : [{ status: 'skip', messageId: 'none' }];
  },
};

/** True when the second response's window ends later than the first's (a reset happened between). */
function newWindowBetween(a: RateLimitInfo, b: RateLimitInfo, ea: Responded, eb: Responded): boolean {
  if (a.resetRaw === undefined || b.resetRaw === undefined) return false;
  const ra = classifyReset(a.resetRaw, responseNowSec(ea));
  const rb = classifyReset(b.resetRaw, responseNowSec(eb));
  if (!ra || !rb) return false;
  const endA = ea.timing.startedAt / 1000 + ra.deltaSec;
  const endB = eb.timing.startedAt / 1000 + rb.deltaSec;
  return endB > endA + 1.5;
}

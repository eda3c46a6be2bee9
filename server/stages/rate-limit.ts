import type { Context } from '../context.js';
import { HttpError } from '../errors.js';
import type { ServerMetrics } from '../metrics.js';
import { isExemptPath, POLICIES, policyFor } from '../policies.js';
import type { RateLimitStore } from '../rate-limit-store.js';

/**
 * Per-IP, per-policy fixed-window limiting. Sets the legacy `X-RateLimit-*` fields the contract
 * names (Reset in epoch seconds, as GitHub and express-rate-limit's legacy headers do) and the
 * IETF `RateLimit` / `RateLimit-Policy` fields (draft-ietf-httpapi-ratelimit-headers-10, §4–5),
 * then rejects a spent budget with 429 + Retry-After (RFC 9110 §10.2.3, delay-seconds).
 */
export function createRateLimitStage(store: RateLimitStore, metrics: ServerMetrics) {
  return async function rateLimit(ctx: Context): Promise<void> {
    if (isExemptPath(ctx.path)) return;
    if (ctx.apiKey?.kind === 'bypass') return;
    const name = policyFor(ctx.method, ctx.path);
    ctx.policy = name;
    const policy = POLICIES[name];
    const override = ctx.apiKey?.limits?.[name];
    const key = ctx.apiKey ? `key:${ctx.apiKey.id}` : ctx.clientIp;
    let result: Awaited<ReturnType<RateLimitStore['consume']>>;
    try {
      result = await store.consume(name, key, override);
    } catch {
      throw new HttpError(
        503,
        'RATE_LIMIT_STORE_DOWN',
        'The rate-limit store is unavailable; retry shortly.',
        {
          headers: { 'retry-after': '1' },
        },
      );
    }
    const resetDelta = Math.max(1, Math.ceil(result.msBeforeReset / 1000));
    const resetEpoch = Math.ceil((Date.now() + result.msBeforeReset) / 1000);
    const h = ctx.headers;
    h['x-ratelimit-limit'] = result.limit;
    h['x-ratelimit-remaining'] = result.remaining;
    h['x-ratelimit-reset'] = resetEpoch;
    h['ratelimit-policy'] = `"${name}";q=${result.limit};w=${policy.windowSec}`;
    h.ratelimit = `"${name}";r=${result.remaining};t=${resetDelta}`;
    if (!result.allowed) {
      metrics.countRateLimited(name);
      throw new HttpError(429, 'RATE_LIMITED', `Rate limit of the "${name}" policy exceeded; retry later.`, {
        headers: { 'retry-after': String(resetDelta) },
        extensions: { 'violated-policies': [name] },
      });
    }
  };
}

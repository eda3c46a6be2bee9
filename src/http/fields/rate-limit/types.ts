/**
 * Rate-limit field conventions a response may use:
 * - legacy: X-RateLimit-{Limit,Remaining,Reset} (GitHub, express-rate-limit legacyHeaders, this
 *   contract), including the draft-ietf-httpapi-ratelimit-headers-01…03 list form some gateways
 *   emit, `X-RateLimit-Limit: 100, 100;w=60`: the first member is the limit, the rest describe policies
 * - ietf-draft6: RateLimit-{Limit,Remaining,Reset} + `RateLimit-Policy: N;w=S` (drafts 01–06)
 * - ietf-draft7: `RateLimit: limit=N, remaining=N, reset=S`, an SF Dictionary (draft-07)
 * - ietf-sf (draft-08 and later, draft-ietf-httpapi-ratelimit-headers-10 §4–5):
 *   `RateLimit: "name";r=N;t=S` + `RateLimit-Policy: "name";q=N;w=S`, SF Lists of several policies
 */
export type Dialect = 'legacy' | 'ietf-draft6' | 'ietf-draft7' | 'ietf-sf';

/** One advertised quota policy. */
export interface QuotaPolicy {
  /** The policy name (ietf-sf), when the dialect names policies. */
  name?: string;
  /** The quota (`q`, or the list member's integer in older drafts). */
  quota: number;
  /** The window in seconds (`w`, or `window` in drafts 01–02), when advertised. */
  windowSec?: number;
  /** Where it was read from, e.g. `RateLimit-Policy`. */
  field: string;
}

export interface RateLimitInfo {
  dialect: Dialect;
  /** The limit of the budget this response is judged by (the binding policy's quota). */
  limit?: number;
  remaining?: number;
  /** Reset as sent (raw text) and, where the dialect fixes it, as delta seconds. */
  resetRaw?: string;
  resetDelta?: number;
  /** The window of the policy whose quota equals `limit`, when one is advertised. */
  windowSec?: number;
  /** The name of the judged policy (ietf-sf). */
  policyName?: string;
  /** Every quota policy the response advertises in this dialect, in the order sent (order carries no meaning). */
  policies: QuotaPolicy[];
  /** The field names read for limit, remaining and reset, for messages. */
  fields: { limit: string; remaining: string; reset: string };
  /** Grammar problems found while parsing (malformed values). */
  problems: string[];
}

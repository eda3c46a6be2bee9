/**
 * Rate-limit fields as the checks read them: the grammar lives in the HTTP field layer
 * (src/http/fields/rate-limit); this module adds the exchange-level helpers the checks share.
 */
import { responseDateSec } from '../../http/fields/index.js';
import type { Exchange } from '../../types.js';

export type { Dialect, QuotaPolicy, RateLimitInfo } from '../../http/fields/index.js';
export {
  advertisedBudget,
  classifyReset,
  parseRateLimit,
  primary,
  type ResetStyle,
  rateLimitPolicies,
  resetSeconds,
  windowFor,
} from '../../http/fields/index.js';

/** The response's Date in epoch seconds, falling back to the client clock at send time. */
export function responseNowSec(e: Exchange): number {
  return e.response ? responseDateSec(e.response.headers, e.timing.startedAt) : e.timing.startedAt / 1000;
}

import { classifyReset, parseRateLimit, primary } from '../checks/ratelimit/parse.js';

type Headers = Record<string, string | string[]>;

/**
 * Seconds until the advertised budget resets (from the rate-limit fields, judged by the shared
 * rate-limit parser), or undefined when the response does not say. Retry-After on a 429 wins:
 * draft-ietf-httpapi-ratelimit-headers §5 ("the Retry-After field MUST take precedence").
 */
export function budgetResetSec(
  status: number,
  headers: Headers,
  nowSec = Date.now() / 1000,
): number | undefined {
  const retry = headers['retry-after'];
  if (status === 429 && typeof retry === 'string' && /^\d+$/.test(retry.trim())) return Number(retry.trim());
  const info = primary(parseRateLimit(headers));
  if (info?.resetRaw === undefined) return undefined;
  if (info.dialect !== 'legacy') return info.resetDelta;
  const reset = classifyReset(info.resetRaw, nowSec);
  return reset ? Math.max(0, Math.round(reset.deltaSec)) : undefined;
}

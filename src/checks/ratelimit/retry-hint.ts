import type { RetryAfter } from '../../http/fields/index.js';
import type { RateLimitInfo } from './parse.js';

/**
 * Names the likely mistake behind an implausibly long Retry-After (RULES RL-6): an absolute epoch
 * timestamp (often the Reset value itself) sent where delay-seconds belong, or milliseconds.
 */
export function implausibleRetryHint(
  retry: RetryAfter,
  info: RateLimitInfo | undefined,
  windowSec: number,
): string {
  if (retry.kind !== 'delay-seconds') return '; the HTTP-date lies far beyond the window';
  const n = retry.seconds;
  const sameAsReset = info?.resetRaw !== undefined && info.resetRaw === String(n);
  if (n >= 1e12)
    return sameAsReset
      ? `; it equals ${info?.fields.reset} (${n}), an absolute epoch timestamp in milliseconds — send the seconds until then`
      : '; it looks like an absolute epoch timestamp in milliseconds — send the seconds until the reset';
  if (n >= 1e9)
    return sameAsReset
      ? `; it equals ${info?.fields.reset} (${n}), an absolute epoch timestamp — Retry-After is delay-seconds: send Reset minus now`
      : '; it looks like an absolute epoch timestamp, not delay-seconds — send the seconds until the reset';
  if (n >= windowSec * 100) return '; is it in milliseconds? (divide by 1000)';
  return '; check its unit';
}

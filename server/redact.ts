import { createHmac, randomBytes } from 'node:crypto';

/**
 * Free-text redaction for log values (docs/contract.md). Named headers and fields are removed by pino's
 * `redact`; this catches secrets that travel inside free text (query strings, paths, messages).
 */

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const BEARER = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const AWS_KEY = /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g;
const AWS_SECRET = /(aws_?secret_?access_?key["'=:\s]+)[A-Za-z0-9/+=]{40}/gi;
// 13–19 digits, optionally grouped by spaces or dashes; verified with Luhn before redaction.
const CARD_CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;
const MAY_HOLD_SECRET = /[@=]|\d{4}|bearer|basic|token|AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA/i;
const SECRET_PARAM =
  /([?&;](?:password|passwd|pwd|token|access_token|refresh_token|secret|api_?key|apikey|card|card_?number|cvv)=)[^&#;\s]*/gi;

/** True when `digits` passes the Luhn checksum (ISO/IEC 7812). */
export function isLuhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length >= 12 && sum % 10 === 0;
}

export interface Redactor {
  /** Short keyed hash: the same secret gives the same tag within one process, so lines still correlate. */
  tag(kind: string, value: string): string;
  /** Replaces every secret pattern found in `text`. */
  text(text: string): string;
  /** Deep copy of a JSON-like value with secret-named fields and secret patterns replaced. */
  value(value: unknown): unknown;
}

const MAX_DEPTH = 8;
const SECRET_FIELD = /pass(word|wd)?|pwd|token|secret|api[-_]?key|apikey|authorization|cookie|card|cvv|ssn/i;

/** Creates a redactor with a per-process HMAC key (never logged), so tags cannot be reversed offline. */
export function createRedactor(key: Buffer = randomBytes(32)): Redactor {
  // Tags of recurring values (client IPs) are cached: an HMAC per log line is measurable at 10k req/s.
  const cache = new Map<string, string>();
  const tag = (kind: string, value: string): string => {
    const k = `${kind}\u0000${value}`;
    let t = cache.get(k);
    if (t === undefined) {
      t = `[${kind}:${createHmac('sha256', key).update(value).digest('hex').slice(0, 8)}]`;
      if (cache.size >= 10_000) cache.clear();
      cache.set(k, t);
    }
    return t;
  };
  const text = (input: string): string => {
    // Fast path: none of the patterns can match without one of these characters.
    if (input.length < 8 || !MAY_HOLD_SECRET.test(input)) return input;
    return input
      .replace(SECRET_PARAM, (_m, prefix: string) => `${prefix}[REDACTED]`)
      .replace(BEARER, (m, scheme: string) => `${scheme} ${tag('token', m)}`)
      .replace(AWS_SECRET, (_m, prefix: string) => `${prefix}[REDACTED]`)
      .replace(AWS_KEY, (m) => tag('aws-key', m))
      .replace(EMAIL, (m) => tag('email', m.toLowerCase()))
      .replace(CARD_CANDIDATE, (m) => {
        const digits = m.replace(/[ -]/g, '');
        return isLuhnValid(digits) ? tag('card', digits) : m;
      });
  };
  const value = (input: unknown, depth = 0): unknown => {
    if (typeof input === 'string') return text(input);
    if (input === null || typeof input !== 'object') return input;
    // Deeper structures are cut, never passed through: a secret nested past the limit must not leak.
    if (depth >= MAX_DEPTH) return '[Truncated]';
    if (Array.isArray(input)) return input.slice(0, 100).map((v) => value(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) {
      out[k] = SECRET_FIELD.test(k) ? '[REDACTED]' : value(v, depth + 1);
    }
    return out;
  };
  return { tag, text, value: (v) => value(v) };
}

/** Reads every rate-limit dialect a response uses (see types.ts for the dialects and sources). */
import { type FieldMap, hasField, singletonField } from '../field-lines.js';
import { parseHttpDate } from '../http-date.js';
import { readDraft7, readPolicyField, readStructured } from './ietf.js';
import { readHeaderPerValue } from './legacy.js';
import type { QuotaPolicy, RateLimitInfo } from './types.js';

/**
 * The window of a budget whose limit is `limit`: the window of the advertised policy whose quota
 * matches (list order carries no meaning); when no quota matches but every policy has the same
 * window, that window.
 */
export function windowFor(limit: number | undefined, policies: readonly QuotaPolicy[]): number | undefined {
  const windowed = policies.filter((p) => p.windowSec !== undefined);
  const match = windowed.find((p) => p.quota === limit);
  if (match) return match.windowSec;
  const windows = [...new Set(windowed.map((p) => p.windowSec))];
  return windows.length === 1 ? windows[0] : undefined;
}

/** Reads every convention present; the legacy one first (the contract's), then the IETF ones. */
export function parseRateLimit(fields: FieldMap): RateLimitInfo[] {
  const found: RateLimitInfo[] = [];
  if (hasField(fields, 'x-ratelimit-limit') || hasField(fields, 'x-ratelimit-remaining'))
    found.push(readHeaderPerValue(fields, 'x-ratelimit-', 'legacy', 'X-RateLimit-'));
  else if (hasField(fields, 'x-rate-limit-limit') || hasField(fields, 'x-rate-limit-remaining'))
    found.push(readHeaderPerValue(fields, 'x-rate-limit-', 'legacy', 'X-Rate-Limit-'));
  const policyProblems: string[] = [];
  const policies = readPolicyField(fields, policyProblems);
  if (hasField(fields, 'ratelimit-limit')) {
    const info = readHeaderPerValue(fields, 'ratelimit-', 'ietf-draft6', 'RateLimit-');
    info.policies = [...info.policies, ...policies];
    info.problems.push(...policyProblems);
    found.push(info);
  } else {
    const ietf =
      readDraft7(fields, policies, policyProblems) ?? readStructured(fields, policies, policyProblems);
    if (ietf) found.push(ietf);
  }
  // A window advertised in one convention (RateLimit-Policy w=) applies to the others in the same
  // response when its quota matches: express-rate-limit sends legacy fields beside draft ones.
  const all = found.flatMap((i) => i.policies);
  for (const info of found) info.windowSec ??= windowFor(info.limit, all);
  return found;
}

/** Every quota policy a response advertises, across dialects. */
export function rateLimitPolicies(fields: FieldMap): QuotaPolicy[] {
  return parseRateLimit(fields).flatMap((i) => i.policies);
}

export type ResetStyle = 'epoch-seconds' | 'epoch-milliseconds' | 'delta-seconds' | 'http-date';

/**
 * Classifies a Reset value and turns it into seconds from `nowSec` (the response's Date, else
 * the client's clock): epoch milliseconds ≥ 1e12; epoch seconds ≥ 1e9; smaller integers are
 * delta seconds; an HTTP-date (RFC 9110 §5.6.7) is an instant. Undefined for anything else.
 */
export function classifyReset(
  raw: string,
  nowSec: number,
): { style: ResetStyle; deltaSec: number } | undefined {
  const v = raw.trim();
  if (/^[0-9]+$/.test(v)) {
    const n = Number(v);
    if (n >= 1e12) return { style: 'epoch-milliseconds', deltaSec: n / 1000 - nowSec };
    if (n >= 1e9) return { style: 'epoch-seconds', deltaSec: n - nowSec };
    return { style: 'delta-seconds', deltaSec: n };
  }
  const date = parseHttpDate(v).value;
  return date ? { style: 'http-date', deltaSec: date.epochMs / 1000 - nowSec } : undefined;
}

/** The response's Date (RFC 9110 §6.6.1) in epoch seconds, else `fallbackMs` (the client's send time). */
export function responseDateSec(fields: FieldMap, fallbackMs: number): number {
  const date = singletonField(fields, 'date');
  const parsed = date ? parseHttpDate(date.first).value : undefined;
  return parsed ? parsed.epochMs / 1000 : fallbackMs / 1000;
}

/** Seconds until the reset this response advertises, per its dialect, or undefined. */
export function resetSeconds(info: RateLimitInfo, fields: FieldMap, fallbackMs: number): number | undefined {
  if (info.resetRaw === undefined) return undefined;
  if (info.dialect === 'legacy')
    return classifyReset(info.resetRaw, responseDateSec(fields, fallbackMs))?.deltaSec;
  return info.resetDelta;
}

/** Picks the convention to judge: legacy when present, else the first IETF one. */
export function primary(infos: readonly RateLimitInfo[]): RateLimitInfo | undefined {
  return infos.find((i) => i.dialect === 'legacy') ?? infos[0];
}

/**
 * The budget a response advertises, whatever the convention: Limit and Remaining of the judged
 * fields, and a policy label (the IETF policy name when one is sent, else `limit N`, else `none`).
 */
export function advertisedBudget(fields: FieldMap): {
  limit: number | undefined;
  remaining: number | undefined;
  policy: string;
} {
  const infos = parseRateLimit(fields);
  const info = primary(infos);
  const name = infos.find((i) => i.policyName)?.policyName;
  return {
    limit: info?.limit,
    remaining: info?.remaining,
    policy: name ?? (info?.limit !== undefined ? `limit ${info.limit}` : 'none'),
  };
}

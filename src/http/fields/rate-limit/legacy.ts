/**
 * Header-per-value dialects: X-RateLimit-* (and X-Rate-Limit-*) and the RateLimit-Limit /
 * -Remaining / -Reset fields of draft-ietf-httpapi-ratelimit-headers-01…06.
 * Limit may be a list (drafts 01–03, §3.1 "RateLimit-Limit: 100, 100;w=60, 1000;w=3600"): its
 * first member is the limit closest to exhaustion, each further member a quota policy
 * `quota;w=seconds` (`window=` in drafts 01–02). The list is parsed as an RFC 9651 SF List.
 */
import { type FieldMap, fieldLines } from '../field-lines.js';
import { parseDigits } from '../digits.js';
import { describeBareItem, isInnerList, nonNegativeInteger, parseSfList } from '../structured.js';
import type { Dialect, QuotaPolicy, RateLimitInfo } from './types.js';

/** A field that carries one integer; identical repeats (an app and a proxy both adding it) are accepted. */
export function singleInteger(
  fields: FieldMap,
  name: string,
  label: string,
  problems: string[],
): number | undefined {
  const lines = fieldLines(fields, name);
  if (lines.length === 0) return undefined;
  const distinct = [...new Set(lines.map((l) => l.trim()))];
  if (distinct.length > 1) {
    problems.push(`${label} sent ${lines.length} different values (${distinct.join(' | ').slice(0, 60)})`);
    return undefined;
  }
  const parsed = parseDigits(distinct[0]!, label);
  problems.push(...parsed.problems);
  return parsed.value;
}

/** Reads a Limit that is an integer or an SF List whose first member is the limit. */
export function readLimitList(
  value: string,
  label: string,
  problems: string[],
): { limit?: number; policies: QuotaPolicy[] } {
  const digits = parseDigits(value, label);
  if (digits.value !== undefined) return { limit: digits.value, policies: [] };
  const list = parseSfList(value);
  if (!list.value || list.value.length === 0) {
    problems.push(...digits.problems);
    return { policies: [] };
  }
  const policies: QuotaPolicy[] = [];
  let limit: number | undefined;
  list.value.forEach((member, i) => {
    if (isInnerList(member)) {
      problems.push(`${label} member ${i + 1} is an inner list, not a quota`);
      return;
    }
    const [bare, params] = member;
    const quota = nonNegativeInteger(bare);
    if (quota === undefined) {
      problems.push(`${label} member ${i + 1} is ${describeBareItem(bare)}, not a non-negative integer`);
      return;
    }
    if (i === 0) limit = quota;
    const w = params.get('w') ?? params.get('window');
    if (w !== undefined) {
      const windowSec = nonNegativeInteger(w);
      if (windowSec === undefined || windowSec === 0)
        problems.push(
          `${label} member ${i + 1} has window ${describeBareItem(w)}, not a positive integer of seconds`,
        );
      policies.push({ quota, ...(windowSec ? { windowSec } : {}), field: label });
    } else if (i > 0) policies.push({ quota, field: label });
  });
  return { ...(limit !== undefined ? { limit } : {}), policies };
}

/** Reads the header-per-value dialect with field-name prefix `prefix` (e.g. `x-ratelimit-`). */
export function readHeaderPerValue(
  fields: FieldMap,
  prefix: string,
  dialect: Dialect,
  display: string,
): RateLimitInfo {
  const problems: string[] = [];
  const names = { limit: `${display}Limit`, remaining: `${display}Remaining`, reset: `${display}Reset` };
  const limitLines = fieldLines(fields, `${prefix}limit`);
  const { limit, policies } =
    limitLines.length > 0 ? readLimitList(limitLines.join(', '), names.limit, problems) : { policies: [] };
  const remaining = singleInteger(fields, `${prefix}remaining`, names.remaining, problems);
  const resetLines = fieldLines(fields, `${prefix}reset`);
  const resetRaw = resetLines[0]?.trim();
  const info: RateLimitInfo = {
    dialect,
    ...(limit !== undefined ? { limit } : {}),
    ...(remaining !== undefined ? { remaining } : {}),
    ...(resetRaw !== undefined ? { resetRaw } : {}),
    policies,
    fields: names,
    problems,
  };
  if (dialect !== 'legacy' && resetRaw !== undefined) {
    // Drafts 01–06: RateLimit-Reset is delta-seconds.
    const delta = parseDigits(resetRaw, names.reset);
    problems.push(...delta.problems);
    if (delta.value !== undefined) info.resetDelta = delta.value;
  }
  return info;
}

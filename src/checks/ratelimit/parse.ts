import type { Exchange } from '../../types.js';

/**
 * Rate-limit header conventions a response may use:
 * - legacy: X-RateLimit-{Limit,Remaining,Reset} (GitHub, express-rate-limit legacyHeaders, this contract)
 * - ietf-draft6: RateLimit-{Limit,Remaining,Reset} + `RateLimit-Policy: N;w=S`
 * - ietf-draft7: `RateLimit: limit=N, remaining=N, reset=S`
 * - ietf-sf (draft-8 and later, draft-ietf-httpapi-ratelimit-headers-10 §4–5):
 *   `RateLimit: "name";r=N;t=S` + `RateLimit-Policy: "name";q=N;w=S`
 */
export type Dialect = 'legacy' | 'ietf-draft6' | 'ietf-draft7' | 'ietf-sf';

export interface RateLimitInfo {
  dialect: Dialect;
  limit?: number;
  remaining?: number;
  /** Reset as sent (raw text) and, where the dialect fixes it, as delta seconds. */
  resetRaw?: string;
  resetDelta?: number;
  windowSec?: number;
  policyName?: string;
  /** Grammar problems found while parsing (malformed values). */
  problems: string[];
}

type Headers = Exchange['response'] extends infer R ? (R extends { headers: infer H } ? H : never) : never;

function get(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return v === undefined ? undefined : Array.isArray(v) ? v.join(', ') : v;
}

const INT = /^\d+$/;

/** Splits a Structured Field list on commas outside quoted strings (RFC 9651 §3.1). */
export function splitSfList(value: string): string[] {
  const items: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '"' && value[i - 1] !== '\\') quoted = !quoted;
    if (ch === ',' && !quoted) {
      items.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) items.push(cur.trim());
  return items;
}

/** Parses one SF item: bare value and `;key=value` parameters. */
export function parseSfItem(item: string): { value: string; params: Record<string, string> } {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of item) {
    if (ch === '"') quoted = !quoted;
    if (ch === ';' && !quoted) {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  parts.push(cur.trim());
  const [value = '', ...rest] = parts;
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq === -1) params[p.trim()] = '?1';
    else params[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  return { value, params };
}

const unquote = (s: string): string => (s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s);

function toInt(raw: string | undefined, name: string, problems: string[]): number | undefined {
  if (raw === undefined) return undefined;
  const v = raw.trim();
  if (!INT.test(v)) {
    problems.push(`${name} "${v.slice(0, 30)}" is not a non-negative integer`);
    return undefined;
  }
  return Number(v);
}

/** Reads every convention present; the legacy one first (the contract's), then the IETF ones. */
export function parseRateLimit(headers: Headers): RateLimitInfo[] {
  const found: RateLimitInfo[] = [];
  const legacyPrefix =
    get(headers, 'x-ratelimit-limit') !== undefined
      ? 'x-ratelimit-'
      : get(headers, 'x-rate-limit-limit') !== undefined
        ? 'x-rate-limit-'
        : undefined;
  if (legacyPrefix) {
    const problems: string[] = [];
    const resetRaw = get(headers, `${legacyPrefix}reset`);
    found.push({
      dialect: 'legacy',
      limit: toInt(get(headers, `${legacyPrefix}limit`), 'X-RateLimit-Limit', problems),
      remaining: toInt(get(headers, `${legacyPrefix}remaining`), 'X-RateLimit-Remaining', problems),
      ...(resetRaw !== undefined ? { resetRaw: resetRaw.trim() } : {}),
      problems,
    });
  }
  const rl = get(headers, 'ratelimit');
  const policy = get(headers, 'ratelimit-policy');
  if (get(headers, 'ratelimit-limit') !== undefined) {
    const problems: string[] = [];
    const resetRaw = get(headers, 'ratelimit-reset');
    const w = policy ? /;\s*w=(\d+)/.exec(policy)?.[1] : undefined;
    found.push({
      dialect: 'ietf-draft6',
      limit: toInt(get(headers, 'ratelimit-limit'), 'RateLimit-Limit', problems),
      remaining: toInt(get(headers, 'ratelimit-remaining'), 'RateLimit-Remaining', problems),
      ...(resetRaw !== undefined
        ? { resetRaw: resetRaw.trim(), resetDelta: toInt(resetRaw, 'RateLimit-Reset', problems) }
        : {}),
      ...(w ? { windowSec: Number(w) } : {}),
      problems,
    });
  } else if (rl !== undefined && /\blimit=/.test(rl) && !rl.trim().startsWith('"')) {
    const problems: string[] = [];
    const field = (k: string) => new RegExp(`(?:^|[,;\\s])${k}=([^,;\\s]+)`).exec(rl)?.[1];
    const w = policy ? /;\s*w=(\d+)/.exec(policy)?.[1] : undefined;
    const reset = field('reset');
    found.push({
      dialect: 'ietf-draft7',
      limit: toInt(field('limit'), 'RateLimit limit', problems),
      remaining: toInt(field('remaining'), 'RateLimit remaining', problems),
      ...(reset !== undefined
        ? { resetRaw: reset, resetDelta: toInt(reset, 'RateLimit reset', problems) }
        : {}),
      ...(w ? { windowSec: Number(w) } : {}),
      problems,
    });
  } else if (rl !== undefined) {
    const problems: string[] = [];
    const limits = splitSfList(rl).map(parseSfItem);
    const policies = policy ? splitSfList(policy).map(parseSfItem) : [];
    // The first item is the one harden-check judges; draft §4: r is REQUIRED, t optional delta-seconds.
    const item = limits[0];
    if (item) {
      const name = unquote(item.value);
      if (!item.value.startsWith('"')) problems.push('RateLimit item name must be a quoted string');
      const pol = policies.find((p) => unquote(p.value) === name);
      if (policies.length > 0 && !pol)
        problems.push(`RateLimit names "${name}" but RateLimit-Policy has no such policy`);
      if (pol && pol.params.q === undefined)
        problems.push('RateLimit-Policy item lacks the required q parameter');
      if (pol?.params.w !== undefined && !/^[1-9]\d*$/.test(pol.params.w))
        problems.push('RateLimit-Policy w must be a positive integer');
      if (item.params.r === undefined) problems.push('RateLimit item lacks the required r parameter');
      const t = item.params.t;
      found.push({
        dialect: 'ietf-sf',
        policyName: name,
        limit: toInt(pol?.params.q, 'RateLimit-Policy q', problems),
        remaining: toInt(item.params.r, 'RateLimit r', problems),
        ...(t !== undefined ? { resetRaw: t, resetDelta: toInt(t, 'RateLimit t', problems) } : {}),
        ...(pol?.params.w && /^\d+$/.test(pol.params.w) ? { windowSec: Number(pol.params.w) } : {}),
        problems,
      });
    }
  }
  // A window advertised by one convention (RateLimit-Policy w=) applies to the others in the same
  // response: express-rate-limit sends legacy headers beside draft ones for a 15-minute window.
  const window = found.find((i) => i.windowSec !== undefined)?.windowSec;
  if (window !== undefined) for (const i of found) i.windowSec ??= window;
  return found;
}

export type ResetStyle = 'epoch-seconds' | 'epoch-milliseconds' | 'delta-seconds';

/**
 * Classifies a Reset value and turns it into seconds from `nowSec` (the response's
 * Date, else the client's clock). Epoch seconds ≥ 1e9; epoch milliseconds ≥ 1e12; else delta seconds.
 */
export function classifyReset(
  raw: string,
  nowSec: number,
): { style: ResetStyle; deltaSec: number } | undefined {
  if (!INT.test(raw)) return undefined;
  const n = Number(raw);
  if (n >= 1e12) return { style: 'epoch-milliseconds', deltaSec: n / 1000 - nowSec };
  if (n >= 1e9) return { style: 'epoch-seconds', deltaSec: n - nowSec };
  return { style: 'delta-seconds', deltaSec: n };
}

/** The response's Date in epoch seconds, falling back to the client clock at send time. */
export function responseNowSec(e: Exchange): number {
  const date = e.response?.headers.date;
  const parsed = typeof date === 'string' ? Date.parse(date) : Number.NaN;
  return Number.isNaN(parsed) ? e.timing.startedAt / 1000 : parsed / 1000;
}

/** Picks the convention to judge: legacy when present (or required), else the first IETF one. */
export function primary(infos: RateLimitInfo[]): RateLimitInfo | undefined {
  return infos.find((i) => i.dialect === 'legacy') ?? infos[0];
}

/**
 * The budget a response advertises, whatever the convention: Limit and Remaining of the judged
 * fields, and a policy label (the IETF policy name when one is sent, else `limit N`, else `none`).
 */
export function advertisedBudget(headers: Headers): {
  limit: number | undefined;
  remaining: number | undefined;
  policy: string;
} {
  const infos = parseRateLimit(headers);
  const info = primary(infos);
  const name = infos.find((i) => i.policyName)?.policyName;
  return {
    limit: info?.limit,
    remaining: info?.remaining,
    policy: name ?? (info?.limit !== undefined ? `limit ${info.limit}` : 'none'),
  };
}

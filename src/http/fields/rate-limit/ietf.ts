/**
 * The IETF RateLimit and RateLimit-Policy fields (draft-ietf-httpapi-ratelimit-headers), parsed
 * as RFC 9651 structured fields:
 * - RateLimit-Policy (draft-10 §4): an SF List of Quota Policy Items; the item is the policy name
 *   (a String) with `q` (REQUIRED quota), `w` (window, positive seconds), `qu`, `pk`. Drafts 01–07
 *   wrote the quota itself as the item, `100;w=60`.
 * - RateLimit (draft-10 §5): an SF List of Service Limit Items naming a policy, with `r`
 *   (REQUIRED remaining) and `t` (delta-seconds until quota returns); draft-07 used an SF
 *   Dictionary `limit=, remaining=, reset=`.
 * Several policies may be listed; their order carries no meaning.
 */
import { combinedValue, type FieldMap } from '../field-lines.js';
import {
  describeBareItem,
  isInnerList,
  nonNegativeInteger,
  parseSfDictionary,
  parseSfList,
  stringOrToken,
} from '../structured.js';
import type { QuotaPolicy, RateLimitInfo } from './types.js';

/** Every policy of RateLimit-Policy (any draft's form); problems for items that break the grammar. */
export function readPolicyField(fields: FieldMap, problems: string[]): QuotaPolicy[] {
  const raw = combinedValue(fields, 'ratelimit-policy');
  if (raw === undefined) return [];
  const list = parseSfList(raw);
  problems.push(...list.problems);
  const out: QuotaPolicy[] = [];
  for (const [i, member] of (list.value ?? []).entries()) {
    if (isInnerList(member)) {
      problems.push(`RateLimit-Policy member ${i + 1} is an inner list`);
      continue;
    }
    const [bare, params] = member;
    const name = stringOrToken(bare);
    const quota = name === undefined ? nonNegativeInteger(bare) : nonNegativeInteger(params.get('q'));
    if (name === undefined && quota === undefined) {
      problems.push(
        `RateLimit-Policy member ${i + 1} is ${describeBareItem(bare)}, neither a policy name nor a quota`,
      );
      continue;
    }
    if (quota === undefined) {
      problems.push(
        params.has('q')
          ? `RateLimit-Policy "${name}" has q ${describeBareItem(params.get('q'))}, not a non-negative integer`
          : `RateLimit-Policy "${name}" lacks the required q parameter`,
      );
      continue;
    }
    const w = params.get('w') ?? params.get('window');
    let windowSec: number | undefined;
    if (w !== undefined) {
      windowSec = nonNegativeInteger(w);
      if (!windowSec) {
        problems.push(`RateLimit-Policy w must be a positive integer (got ${describeBareItem(w)})`);
        windowSec = undefined;
      }
    }
    out.push({
      ...(name !== undefined ? { name } : {}),
      quota,
      ...(windowSec ? { windowSec } : {}),
      field: 'RateLimit-Policy',
    });
  }
  return out;
}

const DRAFT7_FIELDS = {
  limit: 'RateLimit limit',
  remaining: 'RateLimit remaining',
  reset: 'RateLimit reset',
};
const SF_FIELDS = { limit: 'RateLimit-Policy q', remaining: 'RateLimit r', reset: 'RateLimit t' };

/** Reads draft-07's `RateLimit: limit=N, remaining=N, reset=S`; undefined when RateLimit is not that form. */
export function readDraft7(
  fields: FieldMap,
  policies: QuotaPolicy[],
  policyProblems: string[],
): RateLimitInfo | undefined {
  const raw = combinedValue(fields, 'ratelimit');
  if (raw === undefined) return undefined;
  const dict = parseSfDictionary(raw).value;
  if (!dict || !(dict.has('limit') || dict.has('remaining') || dict.has('reset'))) return undefined;
  const problems = [...policyProblems];
  const num = (key: 'limit' | 'remaining' | 'reset'): number | undefined => {
    const member = dict.get(key);
    if (member === undefined) return undefined;
    const v = isInnerList(member) ? undefined : nonNegativeInteger(member[0]);
    if (v === undefined)
      problems.push(
        `${DRAFT7_FIELDS[key]} is ${isInnerList(member) ? 'an inner list' : describeBareItem(member[0])}, not a non-negative integer`,
      );
    return v;
  };
  const limit = num('limit');
  const remaining = num('remaining');
  const reset = num('reset');
  const resetMember = dict.get('reset');
  return {
    dialect: 'ietf-draft7',
    ...(limit !== undefined ? { limit } : {}),
    ...(remaining !== undefined ? { remaining } : {}),
    ...(resetMember !== undefined
      ? {
          resetRaw: isInnerList(resetMember) ? '()' : String(resetMember[0]),
          ...(reset !== undefined ? { resetDelta: reset } : {}),
        }
      : {}),
    policies,
    fields: DRAFT7_FIELDS,
    problems,
  };
}

interface ServiceLimit {
  name: string;
  remaining?: number;
  reset?: number;
  resetRaw?: string;
}

/**
 * Reads draft-08+ `RateLimit: "name";r=N;t=S` (several items allowed). The judged item is the
 * binding one: the smallest remaining quota.
 */
export function readStructured(
  fields: FieldMap,
  policies: QuotaPolicy[],
  policyProblems: string[],
): RateLimitInfo | undefined {
  const raw = combinedValue(fields, 'ratelimit');
  if (raw === undefined) return undefined;
  const problems = [...policyProblems];
  const list = parseSfList(raw);
  problems.push(...list.problems);
  const limits: ServiceLimit[] = [];
  for (const [i, member] of (list.value ?? []).entries()) {
    if (isInnerList(member)) {
      problems.push(`RateLimit member ${i + 1} is an inner list`);
      continue;
    }
    const [bare, params] = member;
    const name = typeof bare === 'string' ? bare : stringOrToken(bare);
    if (typeof bare !== 'string')
      problems.push(`RateLimit item name must be a quoted string (got ${describeBareItem(bare)})`);
    const r = params.get('r');
    const t = params.get('t');
    const remaining = nonNegativeInteger(r);
    if (r === undefined) problems.push('RateLimit item lacks the required r parameter');
    else if (remaining === undefined)
      problems.push(`RateLimit r is ${describeBareItem(r)}, not a non-negative integer`);
    const reset = nonNegativeInteger(t);
    if (t !== undefined && reset === undefined)
      problems.push(`RateLimit t is ${describeBareItem(t)}, not delta-seconds`);
    limits.push({
      name: name ?? '',
      ...(remaining !== undefined ? { remaining } : {}),
      ...(t !== undefined ? { resetRaw: String(t) } : {}),
      ...(reset !== undefined ? { reset } : {}),
    });
  }
  if (limits.length === 0 && problems.length === 0) return undefined;
  for (const l of limits) {
    if (policies.length > 0 && !policies.some((p) => p.name === l.name))
      problems.push(`RateLimit names "${l.name}" but RateLimit-Policy has no such policy`);
  }
  const binding = [...limits].sort((a, b) => (a.remaining ?? Infinity) - (b.remaining ?? Infinity))[0];
  const policy = binding ? policies.find((p) => p.name === binding.name) : undefined;
  return {
    dialect: 'ietf-sf',
    ...(binding ? { policyName: binding.name } : {}),
    ...(policy ? { limit: policy.quota } : {}),
    ...(binding?.remaining !== undefined ? { remaining: binding.remaining } : {}),
    ...(binding?.resetRaw !== undefined ? { resetRaw: binding.resetRaw } : {}),
    ...(binding?.reset !== undefined ? { resetDelta: binding.reset } : {}),
    ...(policy?.windowSec ? { windowSec: policy.windowSec } : {}),
    policies,
    fields: SF_FIELDS,
    problems,
  };
}

/**
 * Content Security Policy lists (CSP Level 3, https://www.w3.org/TR/CSP3/#parse-response-csp):
 * every Content-Security-Policy line, and every comma-separated member of a line, is its own
 * policy and each is enforced; a policy's directives come from `content-security-policy-parser`
 * (the spec's "parse a serialized CSP" algorithm: the first occurrence of a directive wins).
 * Content-Security-Policy-Report-Only policies are read separately: they only report.
 */
import parseSerializedPolicy from 'content-security-policy-parser';
import { type FieldMap, fieldLines, splitList } from './field-lines.js';

export type CspDisposition = 'enforce' | 'report';

export interface CspPolicy {
  disposition: CspDisposition;
  /** Directive name (lower-case) → its value tokens, first occurrence only. */
  directives: Map<string, string[]>;
  /** Directive names that appeared more than once (later occurrences are ignored). */
  duplicates: string[];
  /** The serialized policy as received. */
  raw: string;
}

function duplicatesOf(serialized: string): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const token of serialized.split(';')) {
    const name = token
      .trim()
      .split(/[\t\n\f\r ]+/, 1)[0]
      ?.toLowerCase();
    if (!name) continue;
    if (seen.has(name)) dup.add(name);
    seen.add(name);
  }
  return [...dup];
}

/** Parses one serialized policy (CSP3 §2.2.1). */
export function parseCspPolicy(serialized: string, disposition: CspDisposition = 'enforce'): CspPolicy {
  return {
    disposition,
    directives: parseSerializedPolicy(serialized),
    duplicates: duplicatesOf(serialized),
    raw: serialized.trim(),
  };
}

/**
 * Every non-empty policy of a response (CSP3 §3.1 / §4.2.1): enforced ones from
 * Content-Security-Policy, report-only ones from Content-Security-Policy-Report-Only.
 */
export function cspPolicies(fields: FieldMap): CspPolicy[] {
  const out: CspPolicy[] = [];
  for (const [name, disposition] of [
    ['content-security-policy', 'enforce'],
    ['content-security-policy-report-only', 'report'],
  ] as const) {
    for (const line of fieldLines(fields, name)) {
      for (const serialized of splitList(line).value) {
        const policy = parseCspPolicy(serialized, disposition);
        if (policy.directives.size > 0) out.push(policy);
      }
    }
  }
  return out;
}

/** The enforced policies only. */
export function enforcedCspPolicies(fields: FieldMap): CspPolicy[] {
  return cspPolicies(fields).filter((p) => p.disposition === 'enforce');
}

/** How much framing a frame-ancestors source list allows. */
export type FrameAncestorsReach = 'none' | 'restricted' | 'open';

/**
 * Classifies a frame-ancestors source list (CSP3 §6.4.2): an empty list or exactly `'none'` allows
 * no ancestor; `*` or a bare scheme-source (`https:`) allows any site; `'self'` and named hosts
 * are restricted. `'none'` beside other sources is ignored, as in CSP3's source-list matching.
 */
export function sourceListReach(sources: readonly string[]): FrameAncestorsReach {
  const list = sources.map((s) => s.toLowerCase()).filter((s) => s !== "'none'" || sources.length === 1);
  if (list.length === 0 || (list.length === 1 && list[0] === "'none'")) return 'none';
  if (list.some((s) => s === '*' || /^[a-z][a-z0-9+.-]*:$/.test(s))) return 'open';
  return 'restricted';
}

export interface FrameAncestorsVerdict {
  reach: FrameAncestorsReach;
  /** The policy that decides (the strictest enforced one), as `frame-ancestors …`. */
  directive: string;
  /** Number of enforced policies that carry frame-ancestors. */
  policies: number;
}

/**
 * The framing an enforced CSP allows: every enforced policy must allow an ancestor, so the
 * strictest frame-ancestors decides. Undefined when no enforced policy has frame-ancestors.
 */
export function frameAncestors(fields: FieldMap): FrameAncestorsVerdict | undefined {
  const order: FrameAncestorsReach[] = ['none', 'restricted', 'open'];
  let best: FrameAncestorsVerdict | undefined;
  let count = 0;
  for (const p of enforcedCspPolicies(fields)) {
    const sources = p.directives.get('frame-ancestors');
    if (sources === undefined) continue;
    count++;
    const reach = sourceListReach(sources);
    if (!best || order.indexOf(reach) < order.indexOf(best.reach))
      best = { reach, directive: `frame-ancestors ${sources.join(' ')}`.trim(), policies: 0 };
  }
  return best ? { ...best, policies: count } : undefined;
}

import { isExemptPath, POLICIES, policyFor } from '../../server/policies.js';
import { HardenError } from '../errors.js';
import type { Endpoint } from '../types.js';
import { endpointLabel } from './endpoint.js';
import type { PolicyExpectation } from './options.js';
import { matchPolicyKey } from './parse-values.js';

/** A `policies` entry of the config as written: a key (`METHOD /path`, a path, a prefix with `*`) and its expectation. */
export interface PolicyRule {
  key: string;
  value: PolicyExpectation | 'none';
}

/**
 * The expected policy of each endpoint label: the contract's map, overridden by the config's
 * rules. A rule that matches no endpoint is a config error (CONFIG_INVALID) naming the endpoints.
 */
export function resolvePolicies(
  endpoints: readonly Endpoint[],
  rules: readonly PolicyRule[],
): Record<string, PolicyExpectation | 'none'> {
  // Keys are written relative to the URL's base path, as endpoints are; results are keyed by label.
  const written = endpoints.map((e) => endpointLabel({ method: e.method, path: e.path }));
  const labelOf = new Map(endpoints.map((e, i) => [written[i]!, endpointLabel(e)]));
  const out = defaultPolicies(endpoints);
  for (const { key, value } of rules) {
    const matched = matchPolicyKey(key, written);
    if (matched.length === 0)
      throw new HardenError(
        'CONFIG_INVALID',
        `policies: "${key}" matches none of the probed endpoints (${written.join(', ')})`,
      );
    for (const w of matched) out[labelOf.get(w)!] = value;
  }
  return out;
}

/**
 * The contract's policy map (docs/contract.md) applied to the probed endpoints; the operational
 * endpoints (/healthz, /readyz, /metrics) are exempt.
 */
export function defaultPolicies(endpoints: readonly Endpoint[]): Record<string, PolicyExpectation | 'none'> {
  const out: Record<string, PolicyExpectation | 'none'> = {};
  for (const e of endpoints) {
    const path = e.path.split('?', 1)[0]!;
    if (isExemptPath(path)) {
      out[endpointLabel(e)] = 'none';
      continue;
    }
    const p = POLICIES[policyFor(e.method, path)];
    out[endpointLabel(e)] = { name: p.name, limit: p.limit, windowSec: p.windowSec };
  }
  return out;
}

import { POLICIES, policyFor } from '../../server/policies.js';
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
  const labels = endpoints.map(endpointLabel);
  const out = defaultPolicies(endpoints);
  for (const { key, value } of rules) {
    const matched = matchPolicyKey(key, labels);
    if (matched.length === 0)
      throw new HardenError(
        'CONFIG_INVALID',
        `policies: "${key}" matches none of the probed endpoints (${labels.join(', ')})`,
      );
    for (const label of matched) out[label] = value;
  }
  return out;
}

/** The contract's policy map (docs/contract.md) applied to the probed endpoints; health endpoints are exempt. */
export function defaultPolicies(endpoints: readonly Endpoint[]): Record<string, PolicyExpectation | 'none'> {
  const out: Record<string, PolicyExpectation | 'none'> = {};
  for (const e of endpoints) {
    const path = e.path.split('?', 1)[0]!;
    if (path === '/healthz' || path === '/readyz') {
      out[endpointLabel(e)] = 'none';
      continue;
    }
    const p = POLICIES[policyFor(e.method, path)];
    out[endpointLabel(e)] = { name: p.name, limit: p.limit, windowSec: p.windowSec };
  }
  return out;
}

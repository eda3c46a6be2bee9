import { POLICIES, policyFor } from '../../server/policies.js';
import type { Endpoint } from '../types.js';
import { endpointLabel } from './endpoint.js';
import type { PolicyExpectation } from './options.js';

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

/** Rate-limit policies of the hardened API contract (docs/contract.md): per client IP, fixed 60 s window. */
export interface Policy {
  name: string;
  limit: number;
  windowSec: number;
}

export type PolicyName = 'default' | 'webhook' | 'ai' | 'export';

export const POLICIES: Readonly<Record<PolicyName, Policy>> = {
  default: { name: 'default', limit: 100, windowSec: 60 },
  webhook: { name: 'webhook', limit: 1000, windowSec: 60 },
  ai: { name: 'ai', limit: 20, windowSec: 60 },
  export: { name: 'export', limit: 10, windowSec: 60 },
};

/**
 * Operational endpoints: liveness, readiness and the Prometheus scrape. They are never rate limited
 * and never wait on Redis, so a monitor sharing a host (and so a budget) with busy clients, or a
 * Redis outage, cannot turn into failed probes and false "instance down" pages.
 */
export const OPERATIONAL_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/** True for endpoints that are never rate limited (see OPERATIONAL_PATHS). */
export function isExemptPath(path: string): boolean {
  return OPERATIONAL_PATHS.has(path);
}

/** Which policy applies to a request; unknown paths fall under `default` so scans are limited too. */
export function policyFor(method: string, path: string): PolicyName {
  if (method === 'POST' && path.startsWith('/v1/webhooks/')) return 'webhook';
  if (path === '/v1/ai' || path.startsWith('/v1/ai/')) return 'ai';
  if (path.startsWith('/v1/export')) return 'export';
  return 'default';
}

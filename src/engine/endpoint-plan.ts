import type { CheckContext } from '../checks/define.js';
import { OPENAPI_LOCATIONS, type RunOptions } from '../config/options.js';
import { assertCacheable } from '../config/cacheable.js';
import { resolvePolicies } from '../config/policies.js';
import { labelEndpoints } from '../config/endpoint.js';

/**
 * The endpoints a run probes. With none configured, an OpenAPI document served at a conventional
 * location replaces the default (the URL's own path) with its GET operations; the returned plan says
 * where the endpoints came from and which operations were left out.
 */
export async function planEndpoints(
  options: RunOptions,
): Promise<{ options: RunOptions; plan: NonNullable<CheckContext['endpointPlan']> }> {
  const target = new URL(options.target);
  const basePath = target.pathname.replace(/\/$/, '');
  const describe = (o: RunOptions) =>
    o.endpointSource.kind === 'default'
      ? `the URL's own path (no OpenAPI document at ${OPENAPI_LOCATIONS.join(', ')})`
      : o.endpointSource.detail;
  if (options.endpointSource.kind !== 'default')
    return { options, plan: { source: describe(options), leftOut: options.leftOut, basePath } };

  // Imported here: only a run without configured endpoints looks for an OpenAPI document.
  const { discoverOpenApi } = await import('../probe/discover-openapi.js');
  const found = await discoverOpenApi(target, options);
  if (!found) return { options: settle(options), plan: { source: describe(options), leftOut: [], basePath } };
  const serverUrl = found.serverUrl;
  if (found.endpoints.length === 0) {
    return {
      options: settle({ ...options, leftOut: found.leftOut }),
      plan: {
        source: `the URL's own path (the OpenAPI document at ${found.docUrl} has no GET operation that can be probed)`,
        leftOut: found.leftOut,
        basePath,
        ...(serverUrl ? { serverUrl } : {}),
      },
    };
  }
  const next: RunOptions = settle({
    ...options,
    endpoints: labelEndpoints(found.endpoints, basePath),
    endpointSource: { kind: 'discovered', detail: `the OpenAPI document at ${found.docUrl}` },
    leftOut: found.leftOut,
  });
  return {
    options: next,
    plan: {
      source: next.endpointSource.detail,
      leftOut: found.leftOut,
      basePath,
      ...(serverUrl ? { serverUrl } : {}),
    },
  };
}

/** The config's `policies` and `checks.cacheable`, matched against the endpoints the run settled on. */
function settle(options: RunOptions): RunOptions {
  assertCacheable(options.cacheable, options.endpoints);
  return { ...options, policies: resolvePolicies(options.endpoints, options.policyRules) };
}

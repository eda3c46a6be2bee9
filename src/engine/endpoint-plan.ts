import type { CheckContext } from '../checks/define.js';
import { OPENAPI_LOCATIONS, type RunOptions } from '../config/options.js';
import { defaultPolicies } from '../config/policies.js';
import { discoverOpenApi } from '../probe/discover-openapi.js';

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

  const found = await discoverOpenApi(target, options);
  if (!found) return { options, plan: { source: describe(options), leftOut: [], basePath } };
  const serverUrl = found.serverUrl;
  if (found.endpoints.length === 0) {
    return {
      options: { ...options, leftOut: found.leftOut },
      plan: {
        source: `the URL's own path (the OpenAPI document at ${found.docUrl} has no GET operation that can be probed)`,
        leftOut: found.leftOut,
        basePath,
        ...(serverUrl ? { serverUrl } : {}),
      },
    };
  }
  const next: RunOptions = {
    ...options,
    endpoints: found.endpoints,
    endpointSource: { kind: 'discovered', detail: `the OpenAPI document at ${found.docUrl}` },
    leftOut: found.leftOut,
    policies: { ...defaultPolicies(found.endpoints), ...options.policies },
  };
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

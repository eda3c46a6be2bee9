import { HardenError } from '../errors.js';
import type { Endpoint } from '../types.js';
import { endpointLabel } from './endpoint.js';

/** `checks.cacheable` may name only probed endpoints (CONFIG_INVALID otherwise). */
export function assertCacheable(cacheable: readonly string[], endpoints: readonly Endpoint[]): void {
  const labels = new Set(endpoints.map(endpointLabel));
  for (const label of cacheable)
    if (!labels.has(label))
      throw new HardenError(
        'CONFIG_INVALID',
        `checks.cacheable: "${label}" is not one of the probed endpoints`,
      );
}

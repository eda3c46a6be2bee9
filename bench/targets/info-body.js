// The body of the reference server's GET /v1/info, built from the same constants, so the bare
// baselines return exactly what the hardened server does.
import { POLICIES } from '../../dist/server/policies.js';
import { SLO_TARGETS } from '../../dist/server/start.js';
import { VERSION } from '../../dist/server/version.js';

export const INFO_BODY = JSON.stringify({
  name: 'harden-server',
  version: VERSION,
  policies: Object.values(POLICIES).map((p) => ({ name: p.name, limit: p.limit, windowSec: p.windowSec })),
  slo: { ...SLO_TARGETS },
  rateLimitStore: 'memory',
});

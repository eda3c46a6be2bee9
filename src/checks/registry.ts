import { latencyFormat, latencyPlausible, latencyPresent } from './contract-latency.js';
import {
  requestIdEcho,
  requestIdFormat,
  requestIdInjection,
  requestIdPresent,
  requestIdUnique,
} from './contract-request-id.js';
import type { CheckDef } from './define.js';
import { endpointReachable } from './endpoint-reachable.js';
import { errorContentType, errorCorrelation, errorSchema } from './errors.js';
import { errorNoLeak } from './errors-leak.js';
import { liveness, readiness } from './health.js';
import { logRedaction } from './logs.js';
import { RATELIMIT_CHECKS } from './ratelimit/index.js';
import { cacheControl, csp, hsts, nosniff } from './security.js';
import { framing } from './security-framing.js';
import { cors, fingerprint } from './security-exposure.js';
import { SLO_CHECKS } from './slo.js';

/** Version of the rule set; bumped whenever a rule's verdict can change. Printed in every report. */
export const RULES_VERSION = '2026.11.2';

/** Every check, in report order. Plain data: nothing registers itself at import time. */
export const CHECKS: readonly CheckDef[] = [
  endpointReachable,
  requestIdPresent,
  requestIdFormat,
  requestIdUnique,
  requestIdEcho,
  requestIdInjection,
  latencyPresent,
  latencyFormat,
  latencyPlausible,
  ...RATELIMIT_CHECKS,
  nosniff,
  hsts,
  framing,
  cacheControl,
  fingerprint,
  cors,
  csp,
  errorSchema,
  errorCorrelation,
  errorNoLeak,
  errorContentType,
  logRedaction,
  liveness,
  readiness,
  ...SLO_CHECKS,
];

import type { CheckDef } from '../define.js';
import { contract429, enforced, isolation, perIp, spoofing } from './active.js';
import { headersFormat, headersPresent, policyMatch, remainingDecrements } from './passive.js';

export const RATELIMIT_CHECKS: readonly CheckDef[] = [
  headersPresent,
  headersFormat,
  policyMatch,
  remainingDecrements,
  enforced,
  contract429,
  spoofing,
  isolation,
  perIp,
];

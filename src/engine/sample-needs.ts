import type { CheckDef } from '../checks/define.js';
import { samplesForQuantile, samplesForRate } from '../checks/slo.js';
import type { SloTargets } from '../types.js';

/** A verdict of the load phase and the requests it needs to be conclusive (docs/contract.md sample rule). */
export interface SampleNeed {
  verdict: string;
  requests: number;
}

/** The sample rule for each enabled slo check at the run's targets: 200 for P95, 1,000 for P99 and 0.1 %. */
export function sampleNeeds(checks: readonly CheckDef[], slo: SloTargets): SampleNeed[] {
  const on = new Set(checks.map((c) => c.id));
  const out: SampleNeed[] = [];
  if (on.has('slo.latency.p95')) out.push({ verdict: 'P95', requests: samplesForQuantile(0.95) });
  if (on.has('slo.latency.p99')) out.push({ verdict: 'P99', requests: samplesForQuantile(0.99) });
  if (on.has('slo.error-rate') && slo.errorRate > 0)
    out.push({ verdict: 'error rate', requests: samplesForRate(slo.errorRate) });
  if (on.has('slo.availability') && slo.availability < 1)
    out.push({ verdict: 'availability', requests: samplesForRate(1 - slo.availability) });
  return out;
}

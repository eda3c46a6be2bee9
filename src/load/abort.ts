import { samplesForQuantile, samplesForRate } from '../checks/slo.js';
import type { SloTargets } from '../types.js';
import { countAtOrBelow, type Histogram } from './histogram.js';
import type { LoadRunner } from './run-load.js';

/** Why `--abort-on-fail` ended a load phase early (recorded in the report). */
export interface AbortDecision {
  check: string;
  endpoint?: string;
  /** Milliseconds after the load phase started. */
  atMs: number;
  /** Requests judged when the decision was taken (429s excluded, as in the slo checks). */
  requests: number;
  reason: string;
}

/** How often the monitor looks; a look costs a few histogram walks, never a request. */
const LOOK_EVERY_MS = 100;

interface Scope {
  endpoint: string | undefined;
  targets: SloTargets;
  hist: () => Histogram;
  count: () => number;
  errors: () => number;
  successes: () => number;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;

/**
 * The first SLO that is already failed by the sample rule of the slo checks, such that the
 * requests still in flight cannot change it: for p_q, more than (1 − q) of the requests are over
 * the target even if every pending one comes back fast, and there are enough requests for a
 * conclusive verdict (10 / (1 − q)) — or the share over target already exceeds (1 − q) of the
 * whole plan. Error rate and availability likewise with 1 / r requests.
 */
export function findConclusiveFailure(
  scope: Scope,
  pending: number,
  planned: number,
): Omit<AbortDecision, 'atMs'> | undefined {
  const count = scope.count();
  if (count === 0) return undefined;
  const t = scope.targets;
  const at = scope.endpoint ? `${scope.endpoint}: ` : '';
  const base = { ...(scope.endpoint ? { endpoint: scope.endpoint } : {}), requests: count };
  for (const [check, q, ms] of [
    ['slo.latency.p95', 0.95, t.p95Ms],
    ['slo.latency.p99', 0.99, t.p99Ms],
  ] as const) {
    const over = count - countAtOrBelow(scope.hist(), ms * 1000);
    const enough = count >= samplesForQuantile(q) && over / (count + pending) > 1 - q;
    const certain = scope.endpoint === undefined && over > (1 - q) * planned;
    if (enough || certain)
      return {
        check,
        ...base,
        reason: `${at}${over} of ${count} requests (${pct(over / count)}) took over ${ms} ms, more than ${pct(1 - q)}: P${Math.round(q * 100)} is above target whatever the rest of the run would show`,
      };
  }
  const errors = scope.errors();
  if (count >= samplesForRate(t.errorRate) && errors / (count + pending) >= t.errorRate)
    return {
      check: 'slo.error-rate',
      ...base,
      reason: `${at}${errors} errors in ${count} requests (${pct(errors / count)}), at or over the ${pct(t.errorRate)} target`,
    };
  const ok = scope.successes();
  if (count >= samplesForRate(1 - t.availability) && (ok + pending) / (count + pending) < t.availability)
    return {
      check: 'slo.availability',
      ...base,
      reason: `${at}${ok} of ${count} requests succeeded (${pct(ok / count)}), below the ${pct(t.availability)} target`,
    };
  return undefined;
}

/**
 * `--abort-on-fail` (k6's abortOnFail): watches the load runner's stats beside the load loop and
 * stops the run as soon as an SLO verdict is conclusively failed. Returns a getter of the decision.
 */
export function abortOnFailure(
  runner: LoadRunner,
  slo: SloTargets,
  endpointSlo: Record<string, Partial<SloTargets>>,
  planned: number,
): () => AbortDecision | undefined {
  const s = runner.stats;
  const scopes: Scope[] = [
    {
      endpoint: undefined,
      targets: slo,
      hist: () => s.client,
      count: () => s.client.totalCount,
      errors: () => s.errors,
      successes: () => s.successes,
    },
    ...Object.entries(endpointSlo)
      .filter(([label]) => s.endpoints.has(label))
      .map(([label, own]): Scope => {
        const ep = s.endpoints.get(label)!;
        return {
          endpoint: label,
          targets: { ...slo, ...own },
          hist: () => ep.client,
          count: () => ep.requests,
          errors: () => ep.errors,
          successes: () => ep.successes,
        };
      }),
  ];
  let decision: AbortDecision | undefined;
  const look = () => {
    if (runner.stopped) return;
    for (const scope of scopes) {
      const found = findConclusiveFailure(scope, runner.pending, planned);
      if (found) {
        decision = { ...found, atMs: Math.round(performance.now() - s.startedAt) };
        runner.stop({ kind: 'aborted', detail: found.reason });
        return;
      }
    }
  };
  const timer = setInterval(look, LOOK_EVERY_MS);
  timer.unref();
  runner.once('done', () => clearInterval(timer));
  return () => decision;
}

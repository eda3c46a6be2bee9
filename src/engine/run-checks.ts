import { judgedReportHead } from './report-head.js';
import type { CheckContext } from '../checks/define.js';
import { notServingEndpoints } from '../checks/endpoint-reachable.js';
import { CHECKS } from '../checks/registry.js';
import { endpointLabel } from '../config/endpoint.js';
import type { RunOptions } from '../config/options.js';
import type { LoadPhaseResult } from '../load/load-phase.js';
import type { LoadRunner } from '../load/run-load.js';
import { ProbeClient } from '../probe/client.js';
import { runProbePhase } from '../probe/run-probe.js';
import type { Report } from '../types.js';
import { VERSION } from '../version.js';
import { runsProbes } from '../load/execution.js';
import { createErrorValidator } from './error-validator.js';
import { executionRecord, markCutShort, skippedOnShard, sloSection } from './execution-report.js';
import { evaluateChecks } from './evaluate.js';
import { redactSecrets } from './redact-report.js';
import { planEndpoints } from './endpoint-plan.js';
import { sampleNeeds } from './sample-needs.js';
import { probeNeeds, selectChecks, skippedByConfig } from './select-checks.js';

export interface RunHooks {
  /** Called with the load runner before it starts, e.g. to attach a progress display. */
  onLoadStart?: (runner: LoadRunner) => void;
}

/**
 * One run: select checks → probe phase (requests derived from what the checks need) → load phase
 * (when an slo check is enabled) → evaluate checks over the recorded evidence → report.
 */
export async function runChecksWithOptions(given: RunOptions, hooks: RunHooks = {}): Promise<Report> {
  const startedAt = new Date();
  const t0 = performance.now();
  const configured = selectChecks(given.categories, given.skip, given.checkIds);
  // In a sharded run only shard 1 probes; the others add load (and judge it) only.
  const checks = configured.filter((c) => runsProbes(given.shard) || c.category === 'slo');
  const needs = probeNeeds(checks);
  const { options, plan } = await planEndpoints(given);
  const errorValidator = await createErrorValidator(options.errorSchema);
  const target = new URL(options.target);
  const client = new ProbeClient(target.origin, {
    timeoutMs: options.timeoutMs,
    insecure: options.insecure,
    headers: options.headers,
    userAgent: `harden-check/${VERSION}`,
  });
  let probe: Awaited<ReturnType<typeof runProbePhase>>;
  try {
    probe = await runProbePhase(client, options, needs);
  } finally {
    await client.close();
  }
  // Endpoints that answered 401/403/404/405 are not serving: measuring them would call an error page "available".
  const notServing = notServingEndpoints(probe.exchanges);
  const measurable = options.endpoints.filter((e) => !notServing.has(endpointLabel(e)));
  let load: LoadPhaseResult | undefined;
  let loadNotRun: string | undefined;
  if (needs.has('load') && options.load.durationSec > 0) {
    if (measurable.length === 0)
      loadNotRun = `no measurable endpoint: ${[...notServing].join(', ') || 'none'} ${notServing.size === 1 ? 'is' : 'are'} not serving (see contract.endpoint.reachable); give endpoints that answer with --endpoint or --openapi`;
    else {
      // Imported here: the load generator and its histograms are loaded only by runs that send load.
      const { runLoadPhase } = await import('../load/load-phase.js');
      const outcome = await runLoadPhase(
        { ...options, endpoints: measurable },
        hooks.onLoadStart,
        sampleNeeds(checks, options.slo),
      );
      if ('evidence' in outcome) load = outcome;
      else loadNotRun = outcome.notRun;
    }
  }

  const ctx: CheckContext = {
    exchanges: probe.exchanges,
    target,
    validateErrorBody: errorValidator.validate,
    errorSchemaName: errorValidator.name,
    expectedLimit: (endpoint) => {
      const p = options.policies[endpoint];
      if (p === undefined) return undefined;
      return p === 'none'
        ? { policy: 'none', limit: 0, windowSec: 60 }
        : { policy: p.name, limit: p.limit, windowSec: p.windowSec };
    },
    cacheable: options.cacheable,
    requireLegacyRateLimitHeaders: options.requireLegacyRateLimitHeaders,
    rateLimitProbe: probe.rateLimitProbe,
    ...(probe.logs ? { logs: probe.logs } : {}),
    slo: options.slo,
    endpointSlo: options.endpointSlo,
    ...(load ? { latency: load.evidence } : {}),
    ...(loadNotRun ? { loadNotRun } : {}),
    endpointPlan: plan,
  };
  const execution = executionRecord(options, load);
  const evaluated = markCutShort(evaluateChecks(checks, ctx), execution);
  const skipped = skippedOnShard(skippedByConfig(checks), configured, checks, given.shard);
  // Registry order; a check left out by the configuration still appears, as `skip`.
  const results = CHECKS.flatMap((c) =>
    skipped.has(c.id) ? [skipped.get(c.id)!] : evaluated.filter((r) => r.id === c.id),
  );
  const report: Report = {
    ...judgedReportHead(
      {
        target: options.target,
        startedAt: startedAt.toISOString(),
        durationMs: Math.round(performance.now() - t0),
        strict: options.strict,
        selected: configured.map((c) => c.id),
      },
      results,
    ),
    endpoints: {
      source: plan.source,
      probed: options.endpoints.map(endpointLabel),
      ...(notServing.size > 0 ? { notServing: [...notServing] } : {}),
      leftOut: [...plan.leftOut],
    },
    ...(load ? { latency: load.evidence.summary } : {}),
    slo: sloSection(options),
    ...(execution ? { execution } : {}),
  };
  return redactSecrets(report, options.secrets);
}

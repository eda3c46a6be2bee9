import type { CheckContext } from '../checks/define.js';
import { RULES_VERSION } from '../checks/registry.js';
import type { RunOptions } from '../config/options.js';
import { runLoadPhase } from '../load/load-phase.js';
import type { LoadRunner } from '../load/run-load.js';
import { ProbeClient } from '../probe/client.js';
import { runProbePhase } from '../probe/run-probe.js';
import type { Report } from '../types.js';
import { VERSION } from '../version.js';
import { runsProbes } from '../load/execution.js';
import { createErrorValidator } from './error-validator.js';
import { executionRecord, markCutShort, sloSection } from './execution-report.js';
import { evaluateChecks } from './evaluate.js';
import { redactSecrets } from './redact-report.js';
import { probeNeeds, selectChecks } from './select-checks.js';
import { decideVerdict, summarize } from './verdict.js';

export interface RunHooks {
  /** Called with the load runner before it starts, e.g. to attach a progress display. */
  onLoadStart?: (runner: LoadRunner) => void;
}

/**
 * One run: select checks → probe phase (requests derived from what the checks need) → load phase
 * (when an slo check is enabled) → evaluate checks over the recorded evidence → report.
 */
export async function runChecksWithOptions(options: RunOptions, hooks: RunHooks = {}): Promise<Report> {
  const startedAt = new Date();
  const t0 = performance.now();
  // In a sharded run only shard 1 probes; the others add load (and judge it) only.
  const checks = selectChecks(options.categories, options.skip).filter(
    (c) => runsProbes(options.shard) || c.category === 'slo',
  );
  const needs = probeNeeds(checks);
  const errorValidator = createErrorValidator(options.errorSchema);
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
  const load =
    needs.has('load') && options.load.durationSec > 0
      ? await runLoadPhase(options, hooks.onLoadStart)
      : undefined;

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
  };
  const execution = executionRecord(options, load);
  const results = markCutShort(evaluateChecks(checks, ctx), execution);
  const report: Report = {
    schemaVersion: 1,
    tool: 'harden-check',
    version: VERSION,
    rulesVersion: RULES_VERSION,
    target: options.target,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    verdict: decideVerdict(results, options.strict),
    summary: summarize(results),
    checks: results,
    ...(load ? { latency: load.evidence.summary } : {}),
    slo: sloSection(options),
    ...(execution ? { execution } : {}),
  };
  return redactSecrets(report, options.secrets);
}

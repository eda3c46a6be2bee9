import { RULES_VERSION } from '../checks/registry.js';
import type { HardenError } from '../errors.js';
import type { Report, SloTargets } from '../types.js';
import { VERSION } from '../version.js';
import { redactSecrets } from './redact-report.js';

/**
 * The report of a run that could not judge its target (unreachable, not HTTP, a redirect loop):
 * verdict `error` with the reason, so a CI job still gets every report it asked for.
 */
export function buildErrorReport(
  run: { target: string; slo: SloTargets; secrets: readonly string[]; startedAt: Date; durationMs: number },
  err: HardenError,
): Report {
  const report: Report = {
    schemaVersion: 1,
    tool: 'harden-check',
    version: VERSION,
    rulesVersion: RULES_VERSION,
    target: run.target,
    startedAt: run.startedAt.toISOString(),
    durationMs: Math.max(0, Math.round(run.durationMs)),
    verdict: 'error',
    error: { code: err.code, message: err.message },
    summary: { pass: 0, fail: 0, warn: 0, skip: 0 },
    checks: [],
    slo: run.slo,
  };
  return redactSecrets(report, run.secrets);
}

import { RULES_VERSION } from '../checks/registry.js';
import type { CheckResult, Report } from '../types.js';
import { VERSION } from '../version.js';
import { decideVerdict, summarize } from './verdict.js';

/** The members every judged report opens with: identity, the run's time span, the verdict and its checks. */
export function judgedReportHead(
  run: { target: string; startedAt: string; durationMs: number; strict: boolean },
  checks: CheckResult[],
): Pick<
  Report,
  | 'schemaVersion'
  | 'tool'
  | 'version'
  | 'rulesVersion'
  | 'target'
  | 'startedAt'
  | 'durationMs'
  | 'verdict'
  | 'summary'
  | 'checks'
> {
  return {
    schemaVersion: 1,
    tool: 'harden-check',
    version: VERSION,
    rulesVersion: RULES_VERSION,
    target: run.target,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    verdict: decideVerdict(checks, run.strict),
    summary: summarize(checks),
    checks,
  };
}

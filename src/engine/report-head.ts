import { RULES_VERSION } from '../checks/registry.js';
import type { CheckResult, Report } from '../types.js';
import { VERSION } from '../version.js';
import { decideVerdict, summarize, verdictReason } from './verdict.js';

/** The members every judged report opens with: identity, the run's time span, the verdict and its checks. */
export function judgedReportHead(
  run: {
    target: string;
    startedAt: string;
    durationMs: number;
    strict: boolean;
    /** Ids of the checks --checks/--skip selected (named in a nothing-verified reason). */
    selected?: readonly string[];
  },
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
  | 'verdictReason'
  | 'summary'
  | 'checks'
> {
  const reason = verdictReason(checks, run.strict, run.selected);
  return {
    schemaVersion: 1,
    tool: 'harden-check',
    version: VERSION,
    rulesVersion: RULES_VERSION,
    target: run.target,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    verdict: decideVerdict(checks, run.strict),
    ...(reason ? { verdictReason: reason } : {}),
    summary: summarize(checks),
    checks,
  };
}

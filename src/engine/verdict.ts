import type { CheckResult, Report } from '../types.js';

/**
 * Pass/fail policy, kept apart from formatting: any fail fails; with --strict, any warn fails too;
 * and a run that judged nothing (every result `skip`) fails whatever the mode: it verified nothing,
 * so it is not a pass (as a test runner that found no test fails unless told otherwise).
 */
export function decideVerdict(checks: readonly CheckResult[], strict: boolean): Report['verdict'] {
  if (nothingVerified(checks)) return 'fail';
  return checks.some((c) => c.status === 'fail' || (strict && c.status === 'warn')) ? 'fail' : 'pass';
}

/** True when no check was judged: every result is `skip` (or there is none). */
export function nothingVerified(checks: readonly CheckResult[]): boolean {
  return checks.every((c) => c.status === 'skip');
}

/**
 * Why a run failed although no check failed (`verdictReason` of the report): nothing was verified,
 * or --strict made its warnings fail. Undefined when the counts speak for themselves.
 */
export function verdictReason(checks: readonly CheckResult[], strict: boolean): string | undefined {
  if (nothingVerified(checks))
    return 'nothing was verified: every check was skipped (by --checks/--skip, or because it cannot run against this target; each check says why)';
  if (strict && !checks.some((c) => c.status === 'fail')) {
    const warned = new Set(checks.filter((c) => c.status === 'warn').map((c) => c.id)).size;
    if (warned > 0)
      return `--strict: ${warned} ${warned === 1 ? 'check warned' : 'checks warned'}, and warnings fail the run`;
  }
  return undefined;
}

export function summarize(checks: readonly CheckResult[]): Report['summary'] {
  const summary = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const c of checks) summary[c.status]++;
  return summary;
}

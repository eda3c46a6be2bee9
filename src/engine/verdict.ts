import type { CheckResult, Report } from '../types.js';

/** Pass/fail policy, kept apart from formatting: any fail fails; with --strict, any warn fails too. */
export function decideVerdict(checks: readonly CheckResult[], strict: boolean): Report['verdict'] {
  return checks.some((c) => c.status === 'fail' || (strict && c.status === 'warn')) ? 'fail' : 'pass';
}

export function summarize(checks: readonly CheckResult[]): Report['summary'] {
  const summary = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const c of checks) summary[c.status]++;
  return summary;
}

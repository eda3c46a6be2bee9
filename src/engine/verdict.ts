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
export function verdictReason(
  checks: readonly CheckResult[],
  strict: boolean,
  selected?: readonly string[],
): string | undefined {
  if (nothingVerified(checks)) {
    // The checks --checks/--skip selected, with why each skipped: the rest were left out by configuration.
    const chosen = [
      ...new Map(checks.filter((c) => selected?.includes(c.id)).map((c) => [c.id, c])).values(),
    ];
    if (chosen.length > 0 && chosen.length <= MAX_NAMED)
      return `nothing was verified: ${chosen.length === 1 ? 'the one selected check was' : `all ${chosen.length} selected checks were`} skipped (${chosen.map((c) => `${c.id}: ${c.message}`).join('; ')})`;
    if (chosen.length > 0)
      return `nothing was verified: all ${chosen.length} selected checks were skipped, none could run against this target (each check says why)`;
    return 'nothing was verified: every check was skipped (by --checks/--skip, or because it cannot run against this target; each check says why)';
  }
  if (strict && !checks.some((c) => c.status === 'fail')) {
    const warned = new Set(checks.filter((c) => c.status === 'warn').map((c) => c.id)).size;
    if (warned > 0)
      return `--strict: ${warned} ${warned === 1 ? 'check warned' : 'checks warned'}, and warnings fail the run`;
  }
  return undefined;
}

/** Selected checks named one by one, with their skip reason, in a nothing-verified reason. */
const MAX_NAMED = 3;

export function summarize(checks: readonly CheckResult[]): Report['summary'] {
  const summary = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const c of checks) summary[c.status]++;
  return summary;
}

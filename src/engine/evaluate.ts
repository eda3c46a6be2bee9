import type { CheckContext, CheckDef } from '../checks/define.js';
import { toResults } from '../checks/define.js';
import { HardenError } from '../errors.js';
import type { CheckResult } from '../types.js';

/** Runs every check over the recorded evidence; a crashing check is reported with its id and cause. */
export function evaluateChecks(checks: readonly CheckDef[], ctx: CheckContext): CheckResult[] {
  const results: CheckResult[] = [];
  for (const check of checks) {
    let found: CheckResult[];
    try {
      found = toResults(check, check.evaluate(ctx));
    } catch (err) {
      throw new HardenError('CHECK_CRASHED', `check ${check.id} crashed: ${(err as Error).message}`, {
        cause: err,
      });
    }
    results.push(...found);
  }
  return results;
}

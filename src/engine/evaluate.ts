import type { CheckContext, CheckDef } from '../checks/define.js';
import { toResults } from '../checks/define.js';
import { HardenError } from '../errors.js';
import type { CheckResult } from '../types.js';

/** Runs every check over the recorded evidence; a crashing check is reported with its id and cause. */
export function evaluateChecks(
  checks: readonly CheckDef[],
  ctx: CheckContext,
  cacheable: readonly string[],
): CheckResult[] {
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
    for (const r of found) {
      if (
        r.id === 'security.cache-control' &&
        r.endpoint &&
        cacheable.includes(r.endpoint) &&
        r.status !== 'pass'
      ) {
        results.push({
          ...r,
          status: 'skip',
          message: `${r.endpoint}: exempt by checks.cacheable in the config`,
        });
      } else results.push(r);
    }
  }
  return results;
}

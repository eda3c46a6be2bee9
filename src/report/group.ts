import { CATEGORIES, type Category, type CheckResult } from '../types.js';

/** Results grouped by category in catalogue order (empty categories dropped). */
export function byCategory(checks: readonly CheckResult[]): Array<[Category, CheckResult[]]> {
  return CATEGORIES.map((c): [Category, CheckResult[]] => [c, checks.filter((r) => r.category === c)]).filter(
    ([, rs]) => rs.length > 0,
  );
}

export const CATEGORY_TITLES: Record<Category, string> = {
  contract: 'Header contract',
  ratelimit: 'Rate limiting',
  security: 'Security headers',
  errors: 'Error responses',
  logs: 'Logs',
  health: 'Health endpoints',
  slo: 'Latency and SLOs',
};

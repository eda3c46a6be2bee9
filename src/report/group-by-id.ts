import type { Category, CheckResult, Status } from '../types.js';

/** All results of one check id: the status it shows (its worst result) and the flagged ones. */
export interface CheckGroup {
  id: string;
  category: Category;
  status: Status;
  results: CheckResult[];
  /** Results that failed or warned. */
  flagged: CheckResult[];
}

const RANK: Record<Status, number> = { fail: 3, warn: 2, pass: 1, skip: 0 };

/** The status a check shows: the worst of its results (a lone skip stays skip). */
export function worstStatus(results: readonly CheckResult[]): Status {
  return results.reduce<Status>((w, r) => (RANK[r.status] > RANK[w] ? r.status : w), 'skip');
}

/** Results grouped by check id, in order of first appearance. */
export function groupById(checks: readonly CheckResult[]): CheckGroup[] {
  const map = new Map<string, CheckResult[]>();
  for (const r of checks) map.set(r.id, [...(map.get(r.id) ?? []), r]);
  return [...map].map(([id, results]) => ({
    id,
    category: results[0]!.category,
    status: worstStatus(results),
    results,
    flagged: results.filter((r) => r.status === 'fail' || r.status === 'warn'),
  }));
}

/** Endpoints a check was flagged on (its worst status only), in order. */
export function flaggedEndpoints(g: CheckGroup): string[] {
  return [...new Set(g.flagged.filter((r) => r.status === g.status && r.endpoint).map((r) => r.endpoint!))];
}

/** Counts of checks (by id, each at its worst status) and, apart, of endpoint results. */
export function countChecks(checks: readonly CheckResult[]): {
  checks: Record<Status, number>;
  results: Record<Status, number>;
} {
  const zero = (): Record<Status, number> => ({ pass: 0, fail: 0, warn: 0, skip: 0 });
  const byId = zero();
  const results = zero();
  for (const g of groupById(checks)) byId[g.status]++;
  for (const r of checks) results[r.status]++;
  return { checks: byId, results };
}

/** "28 passed, 1 failed, 1 warning, 1 skipped checks; 135 endpoint results: 130 passed, …". */
export function describeCounts(checks: readonly CheckResult[]): string {
  const { checks: c, results: r } = countChecks(checks);
  const m = r.pass + r.fail + r.warn + r.skip;
  const list = (x: Record<Status, number>) =>
    `${x.pass} passed, ${x.fail} failed, ${x.warn} ${x.warn === 1 ? 'warning' : 'warnings'}, ${x.skip} skipped`;
  return `${list(c)} checks; ${m} endpoint results: ${list(r)}`;
}

import type { Category, CheckResult, Report, Status } from '../types.js';

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

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * What a check's results were judged on, counted the same way in every format: the run's endpoints
 * (report.endpoints.probed), its other probes (an unknown path, a wrong method, a CORS preflight)
 * and OpenAPI operations it left out — e.g. "7 endpoints and 3 other probes". Without the report's
 * endpoint list (an older report), every labelled result counts as an endpoint.
 */
export function describeScope(results: readonly CheckResult[], endpoints?: Report['endpoints']): string {
  const parts = scopeParts(results, endpoints);
  return parts.length > 1
    ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`
    : (parts[0] ?? '0 results');
}

function scopeParts(results: readonly CheckResult[], endpoints?: Report['endpoints']): string[] {
  const probed = endpoints ? new Set(endpoints.probed) : undefined;
  const leftOut = new Set(endpoints?.leftOut.map((o) => o.operation) ?? []);
  let onEndpoints = 0;
  let other = 0;
  let skipped = 0;
  let unlabelled = 0;
  for (const r of results) {
    if (!r.endpoint) unlabelled++;
    else if (!probed || probed.has(r.endpoint)) onEndpoints++;
    else if (leftOut.has(r.endpoint)) skipped++;
    else other++;
  }
  return [
    ...(onEndpoints ? [plural(onEndpoints, 'endpoint')] : []),
    ...(other ? [plural(other, 'other probe')] : []),
    ...(skipped ? [plural(skipped, 'left-out operation')] : []),
    ...(unlabelled ? [plural(unlabelled, 'result')] : []),
  ];
}

/**
 * The one-line summary of a check id's results, shared by every format: its message when it has
 * one result; "7 endpoints and 3 other probes: all pass"; "5 endpoints and 2 left-out operations:
 * 5 pass, 2 skip"; "2 of 3 endpoints flagged" (or "6 of 6 flagged (3 endpoints and 3 other
 * probes)"), followed by where when `where` is set.
 */
export function summarizeGroup(
  g: CheckGroup,
  endpoints?: Report['endpoints'],
  { where = true } = {},
): string {
  const rs = g.results;
  if (rs.length === 1) return rs[0]!.message;
  const scope = describeScope(rs, endpoints);
  if (g.flagged.length === 0) {
    const counts = (['pass', 'warn', 'fail', 'skip'] as const)
      .map((s) => [s, rs.filter((r) => r.status === s).length] as const)
      .filter(([, n]) => n > 0);
    return counts.length === 1
      ? `${scope}: all ${counts[0]![0]}`
      : `${scope}: ${counts.map(([s, n]) => `${n} ${s}`).join(', ')}`;
  }
  const head =
    scopeParts(rs, endpoints).length === 1
      ? `${g.flagged.length} of ${scope} flagged`
      : `${g.flagged.length} of ${rs.length} flagged (${scope})`;
  const list = where ? flaggedEndpoints(g) : [];
  return list.length ? `${head}: ${list.join(', ')}` : head;
}

import { HardenError } from '../errors.js';
import type { Report } from '../types.js';

/**
 * What identifies one run: its start time, target, shard and the exact client-latency histogram
 * (base64 HDR). Two files with the same identity are one run given twice, not two machines.
 */
function runIdentity(r: Report): string {
  return JSON.stringify([
    r.startedAt,
    r.target,
    r.execution?.shard ?? null,
    r.latency?.histogram ?? null,
    r.latency?.requests ?? null,
  ]);
}

/**
 * Refuses (HardenError USAGE, exit 2) the same run given twice — the same file path, or two files
 * holding an identical report — naming both files: merged, it would count every request twice.
 * `paths` are the resolved file paths, `names` what the user typed.
 */
export function assertDistinctRuns(
  reports: readonly Report[],
  paths: readonly string[],
  names: readonly string[],
): void {
  const byPath = new Map<string, number>();
  const byRun = new Map<string, number>();
  for (const [i, r] of reports.entries()) {
    const samePath = byPath.get(paths[i]!);
    if (samePath !== undefined)
      throw new HardenError(
        'USAGE',
        `merge: ${names[samePath]} and ${names[i]} are the same file; give each run's report once`,
      );
    byPath.set(paths[i]!, i);
    const id = runIdentity(r);
    const sameRun = byRun.get(id);
    if (sameRun !== undefined)
      throw new HardenError(
        'USAGE',
        `merge: ${names[sameRun]} and ${names[i]} are the same run (started ${r.startedAt}, identical latency histogram); give each run's report once`,
      );
    byRun.set(id, i);
  }
}

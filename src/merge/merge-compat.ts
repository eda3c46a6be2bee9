import { HardenError } from '../errors.js';
import type { Report } from '../types.js';

/** What must be equal for reports to be merged: the same target and the same plan. */
function planOf(r: Report): string {
  const endpoints = r.endpoints ? [...r.endpoints.probed].sort().join(', ') : undefined;
  const model = typeof r.latency?.model === 'string' ? r.latency.model : undefined;
  return JSON.stringify({ endpoints, model });
}

function describePlan(r: Report): string {
  const parts = [];
  if (r.endpoints) parts.push(`endpoints ${r.endpoints.probed.join(', ') || 'none'}`);
  if (typeof r.latency?.model === 'string') parts.push(`${r.latency.model} model`);
  return parts.join(', ') || 'no plan recorded';
}

/**
 * Refuses to merge reports of different targets or plans (exit 2), naming the files: merged
 * percentiles of two different APIs, or of different endpoint mixes, describe nothing real.
 * Reports of runs that could not judge their target (verdict `error`) have nothing to merge.
 */
export function assertMergeable(reports: readonly Report[], files: readonly string[]): void {
  const failed = reports.findIndex((r) => r.verdict === 'error');
  if (failed !== -1)
    throw new HardenError(
      'USAGE',
      `merge: ${files[failed]} is the report of a run that could not judge its target (${reports[failed]!.error?.message ?? 'verdict error'}); nothing to merge`,
    );
  const first = reports[0]!;
  for (let i = 1; i < reports.length; i++) {
    const r = reports[i]!;
    if (r.target !== first.target)
      throw new HardenError(
        'USAGE',
        `merge: the reports are of different targets: ${files[0]} → ${first.target}, ${files[i]} → ${r.target}; merge only reports of one target`,
      );
    if (planOf(r) !== planOf(first))
      throw new HardenError(
        'USAGE',
        `merge: the reports are of different plans: ${files[0]} (${describePlan(first)}), ${files[i]} (${describePlan(r)}); merge only reports of one plan`,
      );
  }
}

import type { Report } from '../types.js';

/**
 * Plain-text lines every format shows about the run itself: why it could not judge the target, and
 * what it probed (where the endpoints came from, which were not serving, which operations were left out).
 */
export function runNotes(report: Report): string[] {
  if (report.verdict === 'error')
    return [
      `error: ${report.error?.message ?? 'the run could not judge the target'} (${report.error?.code ?? 'ERROR'})`,
    ];
  const e = report.endpoints;
  if (!e) return [];
  const lines = [`endpoints: ${e.probed.join(', ') || 'none'} — from ${e.source}`];
  if (e.notServing?.length)
    lines.push(`not serving (left out of the load phase): ${e.notServing.join(', ')}`);
  if (e.leftOut.length)
    lines.push(`OpenAPI operations left out: ${e.leftOut.length} (listed under contract.endpoint.reachable)`);
  return lines;
}

import type { Report } from '../types.js';

/**
 * Plain-text lines every format shows about the run itself: why it could not judge the target, and
 * what it probed (where the endpoints came from, which were not serving, which operations were left out).
 */
/** Left-out operations named one by one in the note; the JSON report lists them all. */
const MAX_LEFT_OUT = 10;

export function runNotes(report: Report, { verdictReason = true } = {}): string[] {
  if (report.verdict === 'error')
    return [
      `error: ${report.error?.message ?? 'the run could not judge the target'} (${report.error?.code ?? 'ERROR'})`,
    ];
  const lines: string[] = [];
  // Why the verdict is fail with no failed check (nothing verified, --strict warnings): said first.
  if (verdictReason && report.verdictReason) lines.push(`verdict ${report.verdict}: ${report.verdictReason}`);
  const e = report.endpoints;
  if (!e) return lines;
  lines.push(`endpoints: ${e.probed.join(', ') || 'none'} — from ${e.source}`);
  if (e.notServing?.length)
    lines.push(`not serving (left out of the load phase): ${e.notServing.join(', ')}`);
  if (e.leftOut.length) {
    const shown = e.leftOut.slice(0, MAX_LEFT_OUT).map((o) => `${o.operation} (${o.reason})`);
    const more = e.leftOut.length - shown.length;
    lines.push(
      `OpenAPI operations left out: ${e.leftOut.length}: ${shown.join('; ')}${more > 0 ? `; and ${more} more in the JSON report` : ''}`,
    );
  }
  return lines;
}

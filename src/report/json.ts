import type { Report } from '../types.js';

/** The versioned JSON report (SPEC §3), validated by schema/report.schema.json. */
export function formatJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

import type { Report } from '../types.js';

/** The versioned JSON report (docs/contract.md), validated by schema/report.schema.json. */
export function formatJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

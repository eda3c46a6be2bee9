import { readFile } from 'node:fs/promises';
import { HardenError } from '../../errors.js';
import { validateReport } from '../../report/validate-report.js';
import type { Report } from '../../types.js';

/** Reads and validates a JSON report written with `--format json`; REPORT_INVALID (exit 2) otherwise. */
export async function readReportFile(file: string): Promise<Report> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code
      ? `cannot read it (${(err as NodeJS.ErrnoException).code})`
      : 'not JSON';
    throw new HardenError('REPORT_INVALID', `${file}: ${why}`);
  }
  const problem = validateReport(doc);
  if (problem)
    throw new HardenError('REPORT_INVALID', `${file} is not a harden-check JSON report: ${problem}`);
  return doc as Report;
}

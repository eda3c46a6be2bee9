import { readFile } from 'node:fs/promises';
import { HardenError } from '../../errors.js';
import { assertMergeable } from '../../merge/merge-compat.js';
import { mergeReports } from '../../merge/merge-reports.js';
import { validateReport } from '../../report/validate-report.js';
import type { Report } from '../../types.js';
import type { CliIo } from '../io.js';
import type { CliOptions } from '../options.js';
import { emitReport, outputPlan } from './emit.js';

/** `harden-check merge FILE…`: exact HDR merge of JSON reports, SLO checks re-judged. */
export async function runMerge(files: string[], o: CliOptions, io: CliIo): Promise<number> {
  const plan = outputPlan(o);
  const reports: Report[] = [];
  for (const file of files) {
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
    reports.push(doc as Report);
  }
  assertMergeable(reports, files);
  const base = reports[0]!.slo;
  const slo = {
    p95Ms: o.sloP95 ?? base.p95Ms,
    p99Ms: o.sloP99 ?? base.p99Ms,
    errorRate: o.sloErrorRate ?? base.errorRate,
    availability: o.sloAvailability ?? base.availability,
  };
  return emitReport(mergeReports(reports, { slo, strict: Boolean(o.strict), names: files }), plan, o, io);
}

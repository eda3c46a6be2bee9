import { assertMergeable } from '../../merge/merge-compat.js';
import { mergeReports } from '../../merge/merge-reports.js';
import type { Report } from '../../types.js';
import type { CliIo } from '../io.js';
import type { CliOptions } from '../options.js';
import { assertOutputsWritable, emitReport, outputPlan } from './emit.js';
import { readReportFile } from './read-report.js';

/** `harden-check merge FILE…`: exact HDR merge of JSON reports, SLO checks re-judged. */
export async function runMerge(files: string[], o: CliOptions, io: CliIo): Promise<number> {
  const plan = outputPlan(o);
  await assertOutputsWritable(plan, o, io);
  const reports: Report[] = [];
  for (const file of files) reports.push(await readReportFile(file));
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

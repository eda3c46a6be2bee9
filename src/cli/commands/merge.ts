import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { assertDistinctRuns } from '../../merge/duplicates.js';
import { assertMergeable } from '../../merge/merge-compat.js';
import { mergeReports } from '../../merge/merge-reports.js';
import type { Report } from '../../types.js';
import type { CliIo } from '../io.js';
import type { CliOptions } from '../options.js';
import { assertOutputsWritable, emitReport, outputPlan } from './emit.js';
import { readReportFile } from './read-report.js';

/**
 * `harden-check merge FILE…`: exact HDR merge of JSON reports, SLO checks re-judged. Exit code of
 * the merged verdict (0/1); 2 for reports that cannot be merged, including one run given twice.
 * An interrupted input is merged and the merged report marked interrupted (passes the partial
 * data cannot support are inconclusive), but merge itself was not interrupted: never 130/143.
 */
export async function runMerge(files: string[], o: CliOptions, io: CliIo): Promise<number> {
  const plan = outputPlan(o);
  await assertOutputsWritable(plan, o, io);
  const reports: Report[] = [];
  const paths: string[] = [];
  for (const file of files) {
    reports.push(await readReportFile(file));
    paths.push(await realpath(resolve(io.cwd, file)).catch(() => resolve(io.cwd, file)));
  }
  assertDistinctRuns(reports, paths, files);
  assertMergeable(reports, files);
  const base = reports[0]!.slo;
  const slo = {
    p95Ms: o.sloP95 ?? base.p95Ms,
    p99Ms: o.sloP99 ?? base.p99Ms,
    errorRate: o.sloErrorRate ?? base.errorRate,
    availability: o.sloAvailability ?? base.availability,
  };
  const merged = mergeReports(reports, { slo, strict: Boolean(o.strict), names: files });
  return emitReport(merged, plan, o, io, { interruptExit: false });
}

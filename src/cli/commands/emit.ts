import { EXIT } from '../../errors.js';
import { loadFormatter } from '../../report/load-formatter.js';
import type { Report } from '../../types.js';
import { SIGNAL_EXIT } from '../interrupt.js';
import type { CliIo } from '../io.js';
import type { CliOptions } from '../options.js';
import { type OutputPlan, parseReportFlags, writeReports } from '../output.js';

/** The output plan of --format/--output/--report; throws HardenError USAGE for a bad --report. */
export function outputPlan(o: CliOptions): OutputPlan {
  return { main: { format: o.format, file: o.output }, extra: parseReportFlags(o.report ?? []) };
}

function wantColor(opts: CliOptions, io: CliIo): boolean {
  if (!opts.color || (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '')) return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return Boolean(io.stdout.isTTY);
}

/**
 * Writes the report(s) of the plan (with `filesOnly`, nothing to stdout) and the OpenSLO export,
 * and returns the exit code: of the verdict, or 128 + the signal number for an interrupted run.
 */
export async function emitReport(
  report: Report,
  plan: OutputPlan,
  o: CliOptions,
  io: CliIo,
  filesOnly = false,
): Promise<number> {
  const out = await writeReports(report, plan, wantColor(o, io), io.cwd, Boolean(o.quiet));
  if (o.exportOpenslo) {
    const { writeOpenSlo } = await import('../../export/openslo.js');
    await writeOpenSlo(report, o.exportOpenslo, io.cwd);
  }
  if (out !== undefined && !filesOnly) io.stdout.write(out);
  if (io.env.GITHUB_ACTIONS === 'true' || io.env.GITHUB_STEP_SUMMARY) {
    const { publishToGitHub } = await import('../github.js');
    await publishToGitHub(report, io.env, io.stderr, async () =>
      (await loadFormatter('markdown'))(report, { color: false }),
    );
  }
  const interrupted = report.execution?.interrupted;
  if (interrupted) return SIGNAL_EXIT[interrupted.signal] ?? EXIT.interrupted;
  // A comparison that cannot be made is a usage problem; a regression fails like a failed check.
  if (report.baseline?.verdict === 'incomparable') return EXIT.usage;
  if (report.verdict !== 'pass' || report.baseline?.verdict === 'regression') return EXIT.failed;
  return EXIT.ok;
}

import { EXIT, HardenError } from '../../errors.js';
import { loadFormatter } from '../../report/load-formatter.js';
import type { Report } from '../../types.js';
import { SIGNAL_EXIT } from '../interrupt.js';
import type { CliIo } from '../io.js';
import type { CliOptions } from '../options.js';
import { type OutputPlan, parseReportFlags, planTargets, writeReports } from '../output.js';
import { assertWritable } from '../../report/output-paths.js';

/** The output plan of --format/--output/--report; throws HardenError USAGE for a bad --report. */
export function outputPlan(o: CliOptions): OutputPlan {
  return { main: { format: o.format, file: o.output }, extra: parseReportFlags(o.report ?? []) };
}

/**
 * Checks that every file of the plan and --export-openslo can be written, before any work or
 * traffic; throws HardenError USAGE (exit 2) naming the option, the path and why.
 */
export async function assertOutputsWritable(plan: OutputPlan, o: CliOptions, io: CliIo): Promise<void> {
  const targets = planTargets(plan);
  if (o.exportOpenslo) targets.push({ flag: '--export-openslo ', file: o.exportOpenslo });
  await assertWritable(targets, io.cwd);
}

function wantColor(opts: CliOptions, io: CliIo): boolean {
  if (!opts.color || (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '')) return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return Boolean(io.stdout.isTTY);
}

/**
 * Writes the report(s) of the plan (with `filesOnly`, nothing to stdout) and the OpenSLO export,
 * and returns the exit code: of the verdict, or 128 + the signal number for an interrupted run
 * (unless `interruptExit` is false: `merge` of an interrupted run was not itself interrupted).
 * A file that cannot be written is not skipped silently: every other output is still written,
 * then HardenError OUTPUT_FAILED (exit 2) names each failed file and why.
 */
export async function emitReport(
  report: Report,
  plan: OutputPlan,
  o: CliOptions,
  io: CliIo,
  { filesOnly = false, interruptExit = true }: { filesOnly?: boolean; interruptExit?: boolean } = {},
): Promise<number> {
  const { stdout: out, failures } = await writeReports(
    report,
    plan,
    wantColor(o, io),
    io.cwd,
    Boolean(o.quiet),
  );
  if (o.exportOpenslo) {
    const { writeOpenSlo } = await import('../../export/openslo.js');
    try {
      await writeOpenSlo(report, o.exportOpenslo, io.cwd);
    } catch (err) {
      if (!(err instanceof HardenError)) throw err;
      failures.push(err.message);
    }
  }
  if (out !== undefined && !filesOnly) io.stdout.write(out);
  if (io.env.GITHUB_ACTIONS === 'true' || io.env.GITHUB_STEP_SUMMARY) {
    const { publishToGitHub } = await import('../github.js');
    await publishToGitHub(report, io.env, io.stderr, async () =>
      (await loadFormatter('markdown'))(report, { color: false }),
    );
  }
  if (failures.length > 0) throw new HardenError('OUTPUT_FAILED', failures.join('; '));
  const interrupted = report.execution?.interrupted;
  if (interrupted && interruptExit) return SIGNAL_EXIT[interrupted.signal] ?? EXIT.interrupted;
  // A comparison that cannot be made is a usage problem; a regression fails like a failed check.
  if (report.baseline?.verdict === 'incomparable') return EXIT.usage;
  if (report.verdict !== 'pass' || report.baseline?.verdict === 'regression') return EXIT.failed;
  return EXIT.ok;
}

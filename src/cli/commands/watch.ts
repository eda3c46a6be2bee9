import { resolveRunOptions } from '../../config/load-config.js';
import { HardenError } from '../../errors.js';
import { runWatch } from '../../watch/run-watch.js';
import type { CliIo } from '../io.js';
import type { WatchOptions } from '../options.js';
import { flagsOf } from './check.js';
import { assertOutputsWritable, emitReport, outputPlan } from './emit.js';
import { emitUnreachable } from './unreachable-report.js';

/** `harden-check watch URL`: runs until Ctrl-C, SIGTERM or --for, then writes the final report. */
export async function runWatchCommand(url: string | undefined, o: WatchOptions, io: CliIo): Promise<number> {
  const plan = outputPlan(o);
  await assertOutputsWritable(plan, o, io);
  const { for: forText, metricsPort, metricsHost, timeScale, ...rest } = o;
  for (const [flag, given] of [
    ['--duration', o.duration],
    ['--connections', o.connections],
    ['--requests', o.requests],
    ['--rate-limit-probe', o.rateLimitProbe],
  ] as const)
    if (given !== undefined)
      throw new HardenError('USAGE', `watch: ${flag} does not apply to watch (use --for and --rate)`);
  for (const [flag, given] of [
    ['--baseline', o.baseline],
    ['--max-regression', o.maxRegression],
  ] as const)
    if (given !== undefined)
      throw new HardenError(
        'USAGE',
        `watch: ${flag} does not apply to watch (compare its final report with harden-check diff)`,
      );
  const options = await resolveRunOptions(url, flagsOf(rest), io.cwd, io.env);
  const startedAt = new Date();
  const t0 = performance.now();
  // A target that does not answer stops the watch before it starts sending (exit 3), as a run does.
  const report = await runWatch(options, {
    ...(forText !== undefined ? { forText } : {}),
    ...(metricsPort !== undefined ? { metricsPort } : {}),
    ...(metricsHost !== undefined ? { metricsHost } : {}),
    ...(timeScale !== undefined ? { timeScale } : {}),
    rateGiven: o.rate !== undefined,
    out: o.quiet ? undefined : io.stderr,
    signals: io.signals,
  }).catch((err: unknown) => emitUnreachable(err, options, { startedAt, t0 }, plan, o, io));
  return emitReport(report, plan, o, io);
}

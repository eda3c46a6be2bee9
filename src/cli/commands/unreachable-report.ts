import type { RunOptions } from '../../config/options.js';
import { buildErrorReport } from '../../engine/error-report.js';
import { EXIT, HardenError } from '../../errors.js';
import type { CliIo } from '../io.js';
import type { CliOptions } from '../options.js';
import type { OutputPlan } from '../output.js';
import { emitReport } from './emit.js';

/**
 * A run (or watch) that could not judge its target: when `err` is an exit-3 HardenError
 * (unreachable, not HTTP, TLS, timeout, redirect loop), writes every requested report with
 * verdict "error" and the reason. Always rethrows `err`; the CLI prints its one line and exits.
 */
export async function emitUnreachable(
  err: unknown,
  options: RunOptions,
  run: { startedAt: Date; t0: number },
  plan: OutputPlan,
  o: CliOptions,
  io: CliIo,
): Promise<never> {
  if (err instanceof HardenError && err.exitCode === EXIT.unreachable) {
    const failed = buildErrorReport(
      { ...options, startedAt: run.startedAt, durationMs: performance.now() - run.t0 },
      err,
    );
    // The text report would only repeat the one-line error on stderr; files and other formats are written.
    const filesOnly = plan.main.format === 'text' && plan.main.file === undefined;
    await emitReport(failed, plan, o, io, { filesOnly });
  }
  throw err;
}

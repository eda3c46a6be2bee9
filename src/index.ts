import type { Flags } from './config/flags.js';
import { resolveRunOptions } from './config/load-config.js';
import type { RunOptions } from './config/options.js';
import { type RunHooks, runChecksWithOptions } from './engine/run-checks.js';
import type { Report } from './types.js';

export { CHECKS, RULES_VERSION } from './checks/registry.js';
export type { CheckContext, CheckDef, Finding } from './checks/define.js';
export type { Flags } from './config/flags.js';
export type { RunOptions } from './config/options.js';
export { HardenError, EXIT } from './errors.js';
export { mergeReports } from './merge/merge-reports.js';
export { diffReports, type ReportDiff, type LatencyComparison } from './diff/diff-reports.js';
export { parseThresholds } from './diff/thresholds.js';
export { FORMATTERS, type Format } from './report/format.js';
export { validateReport } from './report/validate-report.js';
export type * from './types.js';
export { VERSION } from './version.js';

/** Options of a programmatic run: the target plus any CLI flag, by its camel-cased name. */
export type RunChecksInput = Flags & { target?: string; cwd?: string } & Partial<
    Pick<RunOptions, 'onNotice' | 'onProgress' | 'signal'>
  >;

/**
 * Runs harden-check against a target and returns the report (docs/contract.md); the CLI is a thin layer
 * over this. Throws HardenError (with `code` and `exitCode`) for bad input or an unreachable target.
 *
 * @example const report = await runChecks({ target: 'https://api.example.com', checks: 'contract,security' });
 */
export async function runChecks(input: RunChecksInput, hooks: RunHooks = {}): Promise<Report> {
  const { target, cwd, onNotice, onProgress, signal, ...flags } = input;
  const options = await resolveRunOptions(target, flags, cwd ?? process.cwd());
  return runChecksWithOptions(
    {
      ...options,
      ...(onNotice ? { onNotice } : {}),
      ...(onProgress ? { onProgress } : {}),
      // Aborting it stops the load phase and marks the report interrupted (docs/distributed.md).
      ...(signal ? { signal } : {}),
    },
    hooks,
  );
}

import type { Flags } from '../../config/flags.js';
import { resolveRunOptions } from '../../config/load-config.js';
import { runChecksWithOptions } from '../../engine/run-checks.js';
import { HardenError } from '../../errors.js';
import type { Report } from '../../types.js';
import { listenForInterrupt } from '../interrupt.js';
import type { CliIo } from '../io.js';
import type { CliOptions } from '../options.js';
import { attachProgress } from '../progress.js';
import { keepBaselineWasm } from '../wasm-tiering.js';
import { assertOutputsWritable, emitReport, outputPlan } from './emit.js';
import { emitUnreachable } from './unreachable-report.js';

/** What `demo` adds to a run: its own target, log file and rate-limit bypass key. */
export interface DemoContext {
  url: string;
  logFile: string;
  bypassKey: string;
  endpoints: string[];
}

/** The flags of the run itself, without the CLI's output options. */
export function flagsOf(o: CliOptions): Flags {
  const {
    exportOpenslo: _x,
    format: _f,
    output: _o,
    report: _r,
    quiet: _q,
    color: _c,
    debug: _d,
    baseline: _b,
    maxRegression: _m,
    ...flags
  } = o as CliOptions & { polite?: boolean };
  return flags;
}

/** The default command: probe (and load) one target, write the reports, return the exit code. */
export async function runCheck(
  target: string | undefined,
  o: CliOptions,
  io: CliIo,
  demo?: DemoContext,
): Promise<number> {
  const plan = outputPlan(o);
  await assertOutputsWritable(plan, o, io);
  const flags = flagsOf(o);
  if (demo) {
    if (!flags.endpoint) {
      flags.endpoint = demo.endpoints;
      flags.endpointSource = "the reference server's routes";
    }
    flags.loadHeader = [...(flags.loadHeader ?? []), `X-Api-Key: ${demo.bypassKey}`];
    flags.logFile ??= demo.logFile;
    flags.rateLimitProbe ??= true;
    flags.rate ??= 400;
    flags.duration ??= 3;
  }
  const options = await resolveRunOptions(target, flags, io.cwd, io.env);
  if (o.maxRegression !== undefined && o.baseline === undefined)
    throw new HardenError(
      'USAGE',
      '--max-regression applies to a comparison: give --baseline <report.json> (or use harden-check diff)',
    );
  if (io.ownsProcess) keepBaselineWasm();
  const compare = o.baseline
    ? await (await import('./diff.js')).prepareBaseline(o.baseline, o.maxRegression, io.cwd, options)
    : undefined;
  const notices = !o.quiet;
  let stopProgress: (() => void) | undefined;
  const startedAt = new Date();
  const t0 = performance.now();
  let loadStarted = false;
  const interrupt = listenForInterrupt(io.signals, (name) =>
    io.stderr.write(
      loadStarted
        ? `\nharden-check: ${name}: stopping the load, finishing requests in flight; a second Ctrl-C quits at once\n`
        : `\nharden-check: ${name}: no load will be sent; finishing the probe phase for a partial report (each probe within --timeout); a second Ctrl-C quits at once\n`,
    ),
  );
  let report: Report;
  try {
    report = await runChecksWithOptions(
      {
        ...options,
        signal: interrupt.signal,
        ...(notices ? { onNotice: (line: string) => io.stderr.write(`${line}\n`) } : {}),
      },
      {
        onLoadStart: (runner) => {
          loadStarted = true;
          if (notices) stopProgress = attachProgress(runner, io.stderr);
        },
      },
    );
  } catch (err) {
    // An unreachable target still gets every requested report (verdict "error"), then exit 3.
    return emitUnreachable(err, options, { startedAt, t0 }, plan, o, io);
  } finally {
    stopProgress?.();
    interrupt.dispose();
  }
  if (compare) report = { ...report, baseline: compare(report) };
  return emitReport(report, plan, o, io);
}

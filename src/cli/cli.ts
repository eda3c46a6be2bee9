import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { Flags } from '../config/flags.js';
import { resolveRunOptions } from '../config/load-config.js';
import { runChecksWithOptions } from '../engine/run-checks.js';
import { EXIT, HardenError } from '../errors.js';
import { mergeReports } from '../merge/merge-reports.js';
import { FORMATS, type Format, loadFormatter } from '../report/format.js';
import type { Report } from '../types.js';
import { VERSION } from '../version.js';
import { DEMO_ENDPOINTS, startDemoTarget } from './demo.js';
import { type OutputPlan, parseReportFlags, writeReports } from './output.js';
import { attachProgress } from './progress.js';
import { readReportFile } from './read-report.js';

/** What the CLI needs from its environment; bin/ passes the real process streams. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean });
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const number =
  (name: string, min: number, max = Number.POSITIVE_INFINITY) =>
  (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(
        `${name} must be a number from ${min}${Number.isFinite(max) ? ` to ${max}` : ''}`,
      );
    return n;
  };
const integer = (name: string, min: number, max?: number) => (value: string) => {
  const n = number(name, min, max)(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be a whole number`);
  return n;
};

/** The SLO targets, shared by runs and by `merge` (which re-judges merged latency). */
function addSloOptions(cmd: Command): Command {
  return cmd
    .option('--slo-p95 <ms>', 'P95 latency target', number('--slo-p95', 0.001))
    .option('--slo-p99 <ms>', 'P99 latency target', number('--slo-p99', 0.001))
    .option('--slo-error-rate <fraction>', 'error-rate target, e.g. 0.001', number('--slo-error-rate', 0, 1))
    .option(
      '--slo-availability <fraction>',
      'availability target, e.g. 0.999',
      number('--slo-availability', 0, 1),
    );
}

/** Report format and destinations, and the exit-code policy, shared by runs and by `merge`. */
function addOutputOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--format <format>', 'main report format').choices(FORMATS as string[]).default('text'),
    )
    .option('--output <file>', 'write the main report to a file instead of stdout')
    .option(
      '--report <format=file>',
      'another report from the same run, e.g. junit=results.xml (repeatable)',
      collect,
    )
    .option('--strict', 'warnings fail the exit code too')
    .option('--no-color', 'no colour in the text report');
}

function addRunOptions(cmd: Command): Command {
  return addOutputOptions(addSloOptions(cmd))
    .option('--config <file>', 'config file (default: ./harden-check.config.json when present)')
    .option('--endpoint <"METHOD /path">', 'endpoint to probe (repeatable)', collect)
    .option('--openapi <spec>', 'take GET endpoints from an OpenAPI 3 document (JSON or YAML)')
    .option(
      '--header <"Name: value">',
      'header for every request, e.g. auth (repeatable; values are redacted in reports)',
      collect,
    )
    .option(
      '--load-header <"Name: value">',
      'header for load-phase requests only, e.g. a rate-limit bypass key (repeatable)',
      collect,
    )
    .option(
      '--checks <categories>',
      'only these categories (comma-separated: contract,ratelimit,security,errors,logs,health,slo)',
    )
    .option('--skip <ids>', 'skip these check ids or categories (comma-separated)')
    .option(
      '--rate <req/s>',
      'open-model arrival rate for the load phase (default 50)',
      number('--rate', 0.001, 1_000_000),
    )
    .option(
      '--duration <s>',
      'load-phase duration in seconds; 0 skips the load phase (default 5)',
      number('--duration', 0, 86_400),
    )
    .option(
      '--connections <n>',
      'closed model: concurrent connections instead of a fixed rate',
      integer('--connections', 1, 10_000),
    )
    .option('--requests <n>', 'closed model: total requests', integer('--requests', 1))
    .option(
      '--interval <s>',
      'length of one interval of the latency-over-time series (default 1)',
      number('--interval', 0.05, 3600),
    )
    .option('--no-polite', 'do not limit the load to the advertised rate-limit budget')
    .option('--rate-limit-probe', 'actively spend one rate-limit budget to test enforcement (off by default)')
    .option(
      '--wait-for-reset',
      'with --rate-limit-probe: wait for the window to reset and confirm the budget returns',
    )
    .option('--source-address <ip>', 'local address for the per-IP probe (repeatable)', collect)
    .option('--timeout <ms>', 'per-request timeout (default 10000)', integer('--timeout', 1, 600_000))
    .option('--insecure', 'accept self-signed or otherwise untrusted TLS certificates')
    .option('--error-schema <file>', 'JSON Schema for error bodies (default: RFC 9457)')
    .option('--log-file <file>', "the target's log file, to check logs.redaction")
    .option('--log-command <cmd>', "a command that prints the target's recent log, to check logs.redaction")
    .option(
      '--baseline <report.json>',
      'compare with a previous run (JSON report): new failures, fixes, latency regressions',
    )
    .option(
      '--max-regression <pNN=X%>',
      'with --baseline: how much a percentile may grow, e.g. p99=20% or p95=15ms (repeatable; default p50, p95, p99 = 20%)',
      collect,
    )
    .option('--quiet', 'text report: only flagged checks and the verdict; no progress or notices on stderr')
    .option('--debug', 'print stack traces of internal errors');
}

interface CliOptions extends Flags {
  format: Format;
  output?: string;
  report?: string[];
  quiet?: boolean;
  color: boolean;
  debug?: boolean;
  baseline?: string;
  maxRegression?: string[];
}

const EXAMPLES = `
Examples:
  $ harden-check https://api.example.com
  $ harden-check https://api.example.com --header "Authorization: Bearer $TOKEN" --format junit --output results.xml
  $ harden-check https://api.example.com --rate 200 --duration 30 --load-header "X-Api-Key: $BYPASS" --report html=report.html
  $ harden-check https://staging.example.com --rate-limit-probe --checks ratelimit
  $ harden-check demo
  $ harden-check merge host-a.json host-b.json --format text
  $ harden-check diff main.json pr.json --max-regression p99=20%
  $ harden-check https://staging.example.com --baseline main.json --report markdown=harden.md

Exit codes: 0 every check passed, 1 a check failed, 2 bad usage or config, 3 target unreachable or not HTTP.
Checks are documented in docs/checks.md.`;

function wantColor(opts: CliOptions, io: CliIo): boolean {
  if (!opts.color || (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '')) return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return Boolean(io.stdout.isTTY);
}

function flagsOf(o: CliOptions): Flags {
  const {
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

async function run(
  target: string | undefined,
  o: CliOptions,
  io: CliIo,
  demo?: { url: string; logFile: string; bypassKey: string },
): Promise<number> {
  const plan: OutputPlan = {
    main: { format: o.format, file: o.output },
    extra: parseReportFlags(o.report ?? []),
  };
  const flags = flagsOf(o);
  if (demo) {
    flags.endpoint ??= DEMO_ENDPOINTS;
    flags.loadHeader = [...(flags.loadHeader ?? []), `X-Api-Key: ${demo.bypassKey}`];
    flags.logFile ??= demo.logFile;
    flags.rateLimitProbe ??= true;
    flags.rate ??= 400;
    flags.duration ??= 3;
  }
  const options = await resolveRunOptions(target, flags, io.cwd);
  const compare = o.baseline
    ? await (await import('./diff-command.js')).prepareBaseline(o.baseline, o.maxRegression, io.cwd)
    : undefined;
  const notices = !o.quiet;
  let stopProgress: (() => void) | undefined;
  let report: Report;
  try {
    report = await runChecksWithOptions(
      { ...options, ...(notices ? { onNotice: (line: string) => io.stderr.write(`${line}\n`) } : {}) },
      {
        onLoadStart: (runner) => {
          if (notices) stopProgress = attachProgress(runner, io.stderr);
        },
      },
    );
  } finally {
    stopProgress?.();
  }
  if (compare) report = { ...report, baseline: compare(report) };
  return emit(report, plan, o, io);
}

async function emit(report: Report, plan: OutputPlan, o: CliOptions, io: CliIo): Promise<number> {
  const out = await writeReports(report, plan, wantColor(o, io), io.cwd, Boolean(o.quiet));
  if (out !== undefined) io.stdout.write(out);
  if (io.env.GITHUB_ACTIONS === 'true' || io.env.GITHUB_STEP_SUMMARY) {
    const { publishToGitHub } = await import('./github.js');
    await publishToGitHub(report, io.env, io.stderr, async () =>
      (await loadFormatter('markdown'))(report, { color: false }),
    );
  }
  if (report.baseline?.verdict === 'incomparable') return EXIT.usage;
  if (report.verdict !== 'pass' || report.baseline?.verdict === 'regression') return EXIT.failed;
  return EXIT.ok;
}

/** The harden-check command line. Returns the exit code; only bin/ sets process.exitCode. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  let debug = argv.includes('--debug');
  const program = new Command('harden-check')
    .description(
      'Checks whether an HTTP API is production-hardened: header contract, rate limits, security headers, error bodies, health endpoints and latency SLOs.',
    )
    .version(VERSION, '-V, --version')
    // Options after `demo`/`merge` belong to that command, not to the default one.
    .enablePositionalOptions()
    .exitOverride()
    .showHelpAfterError('(run harden-check --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .addHelpText('after', EXAMPLES);

  // The default command is the program itself, so `harden-check --help` lists every run option.
  addRunOptions(program.argument('[url]', 'base URL of the API, e.g. https://api.example.com')).action(
    async (url: string | undefined, o: CliOptions) => {
      debug ||= Boolean(o.debug);
      code = await run(url, o, io);
    },
  );

  addRunOptions(program.command('demo'))
    .description('start the reference server in-process on 127.0.0.1:0, check it, print the report, stop it')
    .action(async (o: CliOptions) => {
      const demo = await startDemoTarget();
      try {
        code = await run(demo.url, o, io, demo);
      } finally {
        await demo.stop();
      }
    });

  addOutputOptions(addSloOptions(program.command('merge')))
    .description(
      'merge JSON reports from several machines (exact HDR merge) and re-evaluate the SLO checks; SLO targets default to those of the first report',
    )
    .argument('<reports...>', 'JSON reports written with --format json')
    .action(async (files: string[], o: CliOptions) => {
      const reports: Report[] = [];
      for (const file of files) reports.push(await readReportFile(file));
      const base = reports[0]!.slo;
      const slo = {
        p95Ms: o.sloP95 ?? base.p95Ms,
        p99Ms: o.sloP99 ?? base.p99Ms,
        errorRate: o.sloErrorRate ?? base.errorRate,
        availability: o.sloAvailability ?? base.availability,
      };
      const merged = mergeReports(reports, { slo, strict: Boolean(o.strict) });
      code = await emit(
        merged,
        { main: { format: o.format, file: o.output }, extra: parseReportFlags(o.report ?? []) },
        o,
        io,
      );
    });

  program
    .command('diff')
    .description(
      'compare two JSON reports: checks that newly fail or warn, checks fixed, latency per percentile and endpoint (regression = over the threshold and beyond sampling noise); exit 1 on a regression, 2 when the runs cannot be compared',
    )
    .argument('<old.json>', 'the baseline run')
    .argument('<new.json>', 'the run to judge')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'),
    )
    .option('--output <file>', 'write the comparison to a file instead of stdout')
    .option(
      '--max-regression <pNN=X%>',
      'how much a percentile may grow, e.g. p99=20% or p95=15ms (repeatable; default p50, p95, p99 = 20%)',
      collect,
    )
    .action(
      async (
        oldFile: string,
        newFile: string,
        o: { format: 'text'; output?: string; maxRegression?: string[] },
      ) => {
        const { runDiffCommand } = await import('./diff-command.js');
        const result = await runDiffCommand(oldFile, newFile, o, io.cwd);
        if (result.stdout !== undefined) io.stdout.write(result.stdout);
        code = result.code;
      },
    );

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof HardenError) {
      io.stderr.write(`harden-check: ${err.message}\n`);
      if (debug && err.cause) io.stderr.write(`${(err.cause as Error).stack}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    io.stderr.write(
      `harden-check: internal error: ${String(e?.message ?? e).split('\n')[0]}${debug ? '' : ' (run with --debug for details)'}\n`,
    );
    if (debug) io.stderr.write(`${e?.stack}\n`);
    return EXIT.failed;
  }
  return code;
}

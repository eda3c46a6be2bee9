// The option definitions of every command: static and cheap to load (commander only), so that
// `--help`, `--version` and usage errors never load the engine. Command implementations live in
// ./commands/ and are imported only when their command runs.
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Flags } from '../config/flags.js';
import { FORMATS, type Format } from '../report/formats.js';
import { durationSeconds } from './duration.js';

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
export function addSloOptions(cmd: Command): Command {
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
export function addOutputOptions(cmd: Command): Command {
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
    .option('--no-color', 'no colour in the text report')
    .option(
      '--export-openslo <file>',
      'also write the judged SLOs as OpenSLO v1 YAML with Prometheus queries (README, OpenSLO export)',
    );
}

/** Sharded load (docs/distributed.md) and early abort: runs and `demo`, not `watch`. */
function addExecutionOptions(cmd: Command): Command {
  return cmd
    .option(
      '--shard <I/N|auto>',
      'send only shard I of N of the load schedule (auto: CI_NODE_INDEX/CI_NODE_TOTAL, JOB_COMPLETION_INDEX)',
    )
    .option(
      '--shard-total <n>',
      'number of shards, with --shard auto in a Kubernetes Indexed Job',
      integer('--shard-total', 1, 100_000),
    )
    .option('--start-at <ISO-8601>', 'start the load phase at this instant, so that shards start together')
    .option('--abort-on-fail', 'end the load phase as soon as an SLO verdict is conclusively failed');
}

export function addRunOptions(cmd: Command): Command {
  return addExecutionOptions(addTargetOptions(cmd));
}

/** `harden-check watch`: the target options plus the watch's own. */
export function addWatchOptions(cmd: Command): Command {
  return addTargetOptions(cmd)
    .option('--for <duration>', 'stop after this long, e.g. 90s, 15m, 2h (default: until Ctrl-C)')
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics on this port (0: any free port)',
      integer('--metrics-port', 0, 65_535),
    )
    .option('--metrics-host <address>', 'address for --metrics-port (default 127.0.0.1)')
    .option(
      '--time-scale <n>',
      'divide the SRE workbook burn-rate windows by n (default: fit --for, else 60)',
      number('--time-scale', 1, 100_000),
    );
}

/** Options of anything that sends requests to a target: runs, `demo` and `watch`. */
function addTargetOptions(cmd: Command): Command {
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
      '--checks <names>',
      'only these categories or check ids (comma-separated: contract,ratelimit,security,errors,logs,health,slo or ids such as security.cors)',
    )
    .option('--skip <ids>', 'skip these check ids or categories (comma-separated)')
    .option(
      '--rate <req/s>',
      'open-model arrival rate for the load phase (default 50)',
      number('--rate', 0.001, 1_000_000),
    )
    .option(
      '--duration <time>',
      'load-phase duration: seconds, or with ms, s or m (e.g. 20s, 2m); 0 skips the load phase (default: open model sized for conclusive percentiles, e.g. 1000 requests at 50 req/s; closed model 5 s)',
      (value: string) => {
        const sec = durationSeconds(value);
        if (!(sec >= 0 && sec <= 86_400))
          throw new InvalidArgumentError(
            '--duration must be a duration from 0 to 86400 s, e.g. 20, 20s, 500ms or 2m',
          );
        return sec;
      },
    )
    .option(
      '--connections <n>',
      'closed model: concurrent connections instead of a fixed rate (not with --rate)',
      integer('--connections', 1, 10_000),
    )
    .option('--requests <n>', 'closed model: total requests (with --connections)', integer('--requests', 1))
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

/** The parsed options of a run, `demo` or `merge` (commander camel-cases the flag names). */
export interface CliOptions extends Flags {
  exportOpenslo?: string;
  format: Format;
  output?: string;
  report?: string[];
  quiet?: boolean;
  color: boolean;
  debug?: boolean;
  baseline?: string;
  maxRegression?: string[];
}

/** The options of `diff`. */
export interface DiffCliOptions {
  format: 'text' | 'json' | 'markdown';
  output?: string;
  maxRegression?: string[];
}

/** `harden-check diff OLD NEW`: output format and destination, and the regression thresholds. */
export function addDiffOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'),
    )
    .option('--output <file>', 'write the comparison to a file instead of stdout')
    .option(
      '--max-regression <pNN=X%>',
      'how much a percentile may grow, e.g. p99=20% or p95=15ms (repeatable; default p50, p95, p99 = 20%)',
      collect,
    );
}

/** The options of `watch` (src/watch). */
export interface WatchOptions extends CliOptions {
  for?: string;
  metricsPort?: number;
  metricsHost?: string;
  timeScale?: number;
}

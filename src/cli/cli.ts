import { usageErrorLine } from './usage-line.js';
import { Command, CommanderError } from 'commander';
import { EXIT, HardenError } from '../errors.js';
import { VERSION } from '../version.js';
import type { CliIo } from './io.js';
import {
  addDiffOptions,
  addOutputOptions,
  addRunOptions,
  addSloOptions,
  addWatchOptions,
  type CliOptions,
  type DiffCliOptions,
  type WatchOptions,
} from './options.js';

// This module and ./options.js are all that `--help`, `--version` and usage errors load: each
// command's implementation (engine, reference server, report formats) is imported in its action.

export type { CliIo } from './io.js';

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
  $ harden-check https://api.example.com --rate 3000 --duration 60 --shard 2/3 --start-at 2026-05-01T12:00:00Z --format json --output s2.json
  $ harden-check watch https://api.example.com --for 30m --metrics-port 9464

Exit codes: 0 every check passed, 1 a check failed, 2 bad usage or config, 3 target unreachable or not HTTP, 130 interrupted.
Checks are documented in docs/checks.md.`;

/**
 * commander's own parse errors (an unknown flag, a bad or missing option value, a missing argument)
 * as one `harden-check: …` line naming the help to read, like every other usage error (exit 2).
 */
function oneLineUsageErrors(cmd: Command, io: CliIo, usage = 'harden-check'): void {
  cmd.configureOutput({
    outputError: (text) => io.stderr.write(usageErrorLine('harden-check', text, usage)),
  });
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
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .addHelpText('after', EXAMPLES);

  // The default command is the program itself, so `harden-check --help` lists every run option.
  addRunOptions(program.argument('[url]', 'base URL of the API, e.g. https://api.example.com')).action(
    async (url: string | undefined, o: CliOptions) => {
      debug ||= Boolean(o.debug);
      const { runCheck } = await import('./commands/check.js');
      code = await runCheck(url, o, io);
    },
  );

  addRunOptions(program.command('demo'))
    .description('start the reference server in-process on 127.0.0.1:0, check it, print the report, stop it')
    .action(async (o: CliOptions) => {
      const { runDemo } = await import('./commands/demo.js');
      code = await runDemo(o, io);
    });

  addOutputOptions(addSloOptions(program.command('merge')))
    .description(
      'merge JSON reports from several machines (exact HDR merge) and re-evaluate the SLO checks; SLO targets default to those of the first report',
    )
    .argument('<reports...>', 'JSON reports written with --format json')
    .action(async (files: string[], o: CliOptions) => {
      const { runMerge } = await import('./commands/merge.js');
      code = await runMerge(files, o, io);
    });

  addDiffOptions(program.command('diff'))
    .description(
      'compare two JSON reports: checks that newly fail or warn, checks fixed, latency per percentile and endpoint (a regression must exceed its threshold and the sampling noise); exit 1 on a regression, 2 when the runs cannot be compared',
    )
    .argument('<old.json>', 'the baseline run')
    .argument('<new.json>', 'the run to judge')
    .action(async (oldFile: string, newFile: string, o: DiffCliOptions) => {
      const { runDiffCommand } = await import('./commands/diff.js');
      const result = await runDiffCommand(oldFile, newFile, o, io.cwd);
      if (result.stdout !== undefined) io.stdout.write(result.stdout);
      code = result.code;
    });

  addWatchOptions(program.command('watch'))
    .description(
      'low-rate continuous SLO spot check: prints each window’s SLIs and multi-window burn rates, serves Prometheus metrics; ends on Ctrl-C, SIGTERM or --for. --rate is per endpoint here (default 1 req/s)',
    )
    .argument('[url]', 'base URL of the API')
    .action(async (url: string | undefined, o: WatchOptions) => {
      debug ||= Boolean(o.debug);
      const { runWatchCommand } = await import('./commands/watch.js');
      code = await runWatchCommand(url, o, io);
    });

  oneLineUsageErrors(program, io);
  for (const sub of program.commands) oneLineUsageErrors(sub, io, `harden-check ${sub.name()}`);
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

import { dirname, join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { loadServerConfig } from './config-file.js';
import { ServerCommandError } from './errors.js';
import { createBackup, restoreBackup, verifyFile } from './store/backup.js';
import { writePidFile } from './pid-file.js';
import { startServer } from './start.js';
import { usageErrorLine } from '../src/cli/usage-line.js';
import { VERSION } from './version.js';

/** ServerCommandError codes of a bad option value or config file: usage errors, exit 2. */
const USAGE_ERRORS = new Set(['CONFIG_INVALID', 'REDIS_URL_INVALID', 'TRUST_PROXY_INVALID']);

interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

function toInt(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    }
    return n;
  };
}

/**
 * `harden-server` commands. Returns the exit code; only bin/ sets process.exitCode.
 * `start` resolves once the server stops (SIGTERM/SIGINT drain it; SIGHUP reopens the log file).
 */
export async function runServerCli(argv: string[], io: Io): Promise<number> {
  let code = 0;
  const program = new Command('harden-server')
    .description('The reference server of the hardened API contract (harden-check).')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  program
    .command('start')
    .description('serve the hardened API')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', toInt('--port', 0, 65535), 8080)
    .option(
      '--state <file>',
      'database file (a state.json beside it is imported on first start)',
      './state.db',
    )
    .option(
      '--retention <n>',
      'delete all but the newest n events (default: never delete)',
      toInt('--retention', 1, 1e12),
    )
    .option(
      '--retention-days <days>',
      'delete events older than this (default: never delete)',
      toInt('--retention-days', 1, 36_500),
    )
    .option(
      '--idempotency-ttl <seconds>',
      'how long an Idempotency-Key replays its first response',
      toInt('--idempotency-ttl', 1, 30 * 86_400),
      86_400,
    )
    .option('--redis <url>', 'share rate-limit budgets through Redis (redis://host:port)')
    .option('--redis-prefix <prefix>', 'namespace for rate-limit keys in Redis', 'hc:rl')
    .option(
      '--redis-timeout <ms>',
      'longest wait on one Redis command before the request gets 503',
      toInt('--redis-timeout', 1, 60_000),
      100,
    )
    .option('--log-file <file>', 'write JSON log lines here instead of stdout (SIGHUP reopens it)')
    .option('--pid-file <file>', 'write the process id here while serving (for logrotate, init scripts)')
    .option(
      '--trust-proxy <hops|cidrs>',
      'take the client IP from X-Forwarded-For behind N proxies or these CIDRs',
    )
    .option('--config <file>', 'JSON config with apiKeys (bypass and override keys)')
    .option(
      '--body-limit <bytes>',
      'largest request body',
      toInt('--body-limit', 1, 100 * 1024 * 1024),
      1024 * 1024,
    )
    .option('--hsts', 'send Strict-Transport-Security (TLS is terminated in front of this server)')
    .option(
      '--drain-ms <ms>',
      'grace period for in-flight requests on SIGTERM',
      toInt('--drain-ms', 0, 600_000),
      10_000,
    )
    .action(async (o) => {
      const config = loadServerConfig(o.config, io.env);
      const server = await startServer({
        host: o.host,
        port: o.port,
        statePath: o.state,
        importStateFrom: join(dirname(o.state), 'state.json'),
        retention:
          o.retention === undefined && o.retentionDays === undefined
            ? undefined
            : {
                maxEvents: o.retention,
                maxAgeSeconds: o.retentionDays === undefined ? undefined : o.retentionDays * 86_400,
              },
        idempotencyTtlMs: o.idempotencyTtl * 1000,
        redisUrl: o.redis,
        redisPrefix: o.redisPrefix,
        redisCommandTimeoutMs: o.redisTimeout,
        log: o.logFile ?? 'stdout',
        trustProxy: o.trustProxy,
        bodyLimit: o.bodyLimit,
        hsts: Boolean(o.hsts),
        apiKeys: config.apiKeys ?? [],
      });
      // Signal handlers first: an operator (or a test) may signal as soon as the line below appears.
      const reopen = () => server.reopenLog();
      process.on('SIGHUP', reopen);
      const stopped = new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          io.stderr(`harden-server: ${signal} received, draining\n`);
          server.close(o.drainMs, signal).then(resolve, resolve);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      const pidFile = o.pidFile ? await writePidFile(o.pidFile, server) : undefined;
      io.stderr(
        `harden-server ${VERSION} listening on ${server.url} (state ${o.state}, rate limits in ${o.redis ? 'redis' : 'memory'})\n`,
      );
      await stopped;
      process.off('SIGHUP', reopen);
      await pidFile?.remove();
    });

  program
    .command('backup')
    .description('write a consistent, checksummed snapshot of the database (also while a server runs)')
    .requiredOption('--out <file>', 'backup file to write')
    .option('--force', 'replace --out if it exists')
    .option('--state <file>', 'database file', './state.db')
    .action(async (o) => {
      const h = await createBackup(o.state, o.out, { force: Boolean(o.force) });
      io.stdout(`backup ${o.out}: ${h.events} events, ${h.bytes} bytes, sha256 ${h.sha256}\n`);
    });

  program
    .command('restore')
    .description('verify a backup, then replace the state atomically (server must be stopped)')
    .requiredOption('--from <file>', 'backup file to restore')
    .option('--state <file>', 'database file', './state.db')
    .action(async (o) => {
      const v = await restoreBackup(o.from, o.state);
      io.stdout(`restored ${v.events} events from ${o.from} into ${o.state}\n`);
    });

  program
    .command('verify')
    .description('check a backup, database or state file without changing anything')
    .argument('<file>')
    .action(async (file: string) => {
      const v = await verifyFile(file);
      io.stdout(
        v.kind === 'backup'
          ? `ok: backup v${v.header?.version}, ${v.events} events, created ${v.header?.createdAt}, sha256 verified${v.header?.payload === 'sqlite' ? ', integrity_check ok' : ''}\n`
          : v.kind === 'database'
            ? `ok: database, ${v.events} events, integrity_check ok\n`
            : `ok: state file, ${v.events} events\n`,
      );
    });

  // commander's own parse errors as one `harden-server: …` line (exit 2), like the other errors.
  for (const cmd of [program, ...program.commands]) {
    const usage = cmd === program ? 'harden-server' : `harden-server ${cmd.name()}`;
    cmd.configureOutput({
      outputError: (text) => io.stderr(usageErrorLine('harden-server', text, usage)),
    });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      code = err.exitCode === 0 ? 0 : 2;
    } else if (err instanceof ServerCommandError) {
      io.stderr(`harden-server: ${err.message}\n`);
      // A bad option value is a usage error (2), as commander's own parse errors are; the rest is 1.
      code = USAGE_ERRORS.has(err.code) ? 2 : 1;
    } else {
      const e = err as NodeJS.ErrnoException;
      io.stderr(`harden-server: ${e.message}\n`);
      if (io.env.HARDEN_DEBUG) io.stderr(`${e.stack}\n`);
      code = 1;
    }
  }
  return code;
}

import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino, type Logger } from 'pino';
import { ServerCommandError } from './errors.js';
import type { Redactor } from './redact.js';

/** Header values that are always removed, whatever they contain (docs/contract.md). */
// Only the headers the access log emits (see LOGGED_HEADERS in app.ts): each path costs time per line.
const REDACT_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'];

export interface LoggerOptions {
  /** Path of a log file; stdout when absent. */
  file?: string | undefined;
  level?: string | undefined;
  redactor: Redactor;
}

/**
 * pino logger with redaction configured in one place: named headers through `redact`, free-text
 * patterns through the `req` serializer. Request lines are built by allow-list (see access-log.ts).
 */
export function createLogger(options: LoggerOptions): Logger {
  if (options.file) assertWritable(options.file);
  // Lines are batched up to 4 KiB per write (one syscall per batch instead of per request) and
  // flushed at least every 250 ms, so a quiet server still writes its lines promptly.
  const destination = pino.destination({
    dest: options.file ?? 1,
    mkdir: Boolean(options.file),
    sync: false,
    minLength: 4096,
  });
  const timer = setInterval(() => {
    try {
      destination.flush();
    } catch {
      // a flush already in progress; the next tick writes the rest
    }
  }, 250);
  timer.unref();
  destination.on('close', () => clearInterval(timer));
  // e.g. a reopen after rotation into a directory that is gone: say so once, keep serving.
  destination.on('error', (err: NodeJS.ErrnoException) => {
    process.stderr.write(`harden-server: log file ${options.file ?? 'stdout'}: ${err.code ?? err.message}\n`);
  });
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'harden-server' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** A logger that writes nothing (for embedded use, e.g. `harden-check demo`). */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Opens (creating) the log file once up front, so a bad path is one line naming it, not a crash. */
function assertWritable(file: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    closeSync(openSync(file, 'a'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ServerCommandError(
      'LOG_FILE_UNWRITABLE',
      `--log-file ${file}: cannot open it for writing (${code})`,
    );
  }
}

/**
 * Reopens the log file at its configured path (SonicBoom.reopen: pending lines are written first,
 * nothing is dropped), e.g. after logrotate renamed it. Returns the path, or undefined when the
 * logger writes to stdout or nowhere.
 */
export function reopenLogFile(logger: Logger): string | undefined {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as
    | { file?: string | number; reopen?: () => void }
    | undefined;
  if (!stream || typeof stream.file !== 'string' || typeof stream.reopen !== 'function') return undefined;
  stream.reopen();
  return stream.file;
}

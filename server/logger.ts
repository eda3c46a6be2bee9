import { pino, type Logger } from 'pino';
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

import { pino, type Logger } from 'pino';
import type { Redactor } from './redact.js';

/** Header values that are always removed, whatever they contain (SPEC §4). */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["set-cookie"]',
  'req.headers["x-api-key"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
];

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
  const destination = options.file
    ? pino.destination({ dest: options.file, mkdir: true, sync: false })
    : pino.destination({ dest: 1, sync: false });
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'harden-server' },
      timestamp: pino.stdTimeFunctions.isoTime,
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

import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
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
  boundFlushSync(destination as unknown as PendingLines);
  // e.g. a reopen after rotation into a directory that is gone: say so once, keep serving.
  destination.on('error', (err: NodeJS.ErrnoException) => {
    // A closed stdout pipe (EPIPE): pino stops writing to it; stop the periodic flush too.
    if (err.code === 'EPIPE') clearInterval(timer);
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

/** The parts of a SonicBoom (sonic-boom 4) that hold lines not written yet (utf8 content mode). */
interface PendingLines {
  fd: number;
  flushSync(): void;
  _bufs: string[];
  _writingBuf: string | Buffer;
  _writing: boolean;
  /** Bytes buffered, including the write in flight. */
  _len: number;
}

/**
 * pino flushes the destination synchronously when the process exits. SonicBoom's flushSync retries
 * a failed write every 100 ms for as long as it fails (any error, not only EAGAIN), so an exit
 * with lines pending on a closed stdout pipe (EPIPE) never ends. Here each pending line is tried
 * once and the rest is dropped at the first error: the reader is gone, the process must still end.
 */
function boundFlushSync(stream: PendingLines): void {
  stream.flushSync = () => {
    const pending = stream._writing ? stream._bufs : [stream._writingBuf, ...stream._bufs];
    stream._bufs = [];
    if (!stream._writing) stream._writingBuf = '';
    stream._len = stream._writing ? Buffer.byteLength(stream._writingBuf) : 0;
    try {
      for (const line of pending) {
        let rest = Buffer.from(line);
        while (rest.length > 0) rest = rest.subarray(writeSync(stream.fd, rest));
      }
    } catch {
      // EPIPE (reader gone), EAGAIN (reader stalled), …: nothing more can be delivered.
    }
  };
}

/** Longest wait for the last log lines on stop (ms): a stalled or gone reader must not hold the exit. */
export const LOG_FLUSH_TIMEOUT_MS = 1000;

/**
 * Writes the buffered log lines; resolves when they are written, when writing failed (e.g. EPIPE:
 * the reader of stdout is gone), or after `timeoutMs`, whichever comes first. Never rejects.
 */
export function flushLog(logger: Logger, timeoutMs = LOG_FLUSH_TIMEOUT_MS): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    try {
      logger.flush(done);
    } catch {
      done();
    }
  });
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

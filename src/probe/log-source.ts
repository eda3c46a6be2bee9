import { exec } from 'node:child_process';
import { open, stat } from 'node:fs/promises';

const MAX_LOG_BYTES = 16 * 1024 * 1024;

/** Remembers where a log file ends, so only lines written during the run are judged. */
export async function logOffset(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/**
 * Reads what a log file gained since `offset`, waiting up to `waitMs` for it to contain `needle`
 * (servers flush asynchronously). Reads at most 16 MiB.
 */
export async function readLogSince(
  file: string,
  offset: number,
  needle: string,
  waitMs: number,
): Promise<string> {
  const deadline = Date.now() + waitMs;
  let text = '';
  for (;;) {
    text = await readTail(file, offset);
    if (text.includes(needle) || Date.now() >= deadline) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function readTail(file: string, offset: number): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    const start = size < offset ? 0 : offset;
    const length = Math.min(size - start, MAX_LOG_BYTES);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, start);
    return buf.toString('utf8');
  } catch {
    return '';
  } finally {
    await handle?.close();
  }
}

/** Runs `--log-command` (e.g. `kubectl logs deploy/api --since=2m`) and returns its stdout. */
export function runLogCommand(command: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    exec(command, { timeout: timeoutMs, maxBuffer: MAX_LOG_BYTES }, (_err, stdout) =>
      resolve(String(stdout ?? '')),
    );
  });
}

import { unlink, writeFile } from 'node:fs/promises';
import { ServerCommandError } from './errors.js';

/**
 * Writes `pid-file` (the decimal pid and a newline, as nginx and start-stop-daemon expect) once the
 * server listens; remove() deletes it at shutdown. If the file cannot be
 * written, the server is closed and the error names the path.
 */
export async function writePidFile(
  path: string,
  server: { close(graceMs?: number, reason?: string): Promise<void> },
): Promise<{ remove(): Promise<void> }> {
  try {
    await writeFile(path, `${process.pid}\n`);
  } catch (err) {
    await server.close(0, 'pid file');
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ServerCommandError('PID_FILE_UNWRITABLE', `--pid-file ${path}: cannot write it (${code})`);
  }
  return {
    remove: () => unlink(path).catch(() => undefined),
  };
}

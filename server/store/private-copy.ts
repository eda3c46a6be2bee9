import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ServerCommandError } from '../errors.js';

/**
 * Runs `check` on a private copy of the SQLite database at `path` (with its `-wal` file when there
 * is one, so committed transactions still in the WAL are seen), in a new directory under the OS
 * temp dir that is removed afterwards. Opening a WAL-mode database, even read-only, creates `-wal`
 * and `-shm` files beside it (https://sqlite.org/wal.html#readonly); checking a copy leaves the
 * directory of `path` exactly as it was. Errors: those of `check`; VERIFY_UNREADABLE when the copy
 * cannot be made (e.g. ENOSPC in the temp dir).
 */
export async function withPrivateCopy<T>(path: string, check: (copy: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'harden-verify-'));
  try {
    const copy = join(dir, basename(path));
    try {
      await copyFile(path, copy);
      await copyFile(`${path}-wal`, `${copy}-wal`).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    } catch (err) {
      throw new ServerCommandError(
        'VERIFY_UNREADABLE',
        `cannot copy ${path} into ${tmpdir()} to check it (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    return await check(copy);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

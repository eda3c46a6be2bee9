import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TMP_MARK = '.tmp-';

/**
 * Replaces `path` with `data` so that a crash at any instant leaves either the old or the new file:
 * write a temp file in the same directory, fsync it, rename it over the target, fsync the directory
 * (so the rename itself is durable), and remove the temp file on failure.
 */
export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const tmp = join(
    dirname(path),
    `.${basename(path)}${TMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  let renamed = false;
  try {
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    renamed = true;
    await fsyncDirectory(dirname(path));
  } finally {
    if (!renamed) await unlink(tmp).catch(() => undefined);
  }
}

/** fsyncs a directory so that renames inside it are durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Removes temp files a killed writer left beside `path` (`.<name>.tmp-<pid>-…`); files of a writer
 * that still runs are left alone. Returns how many were removed.
 */
export async function removeStaleTempFiles(path: string): Promise<number> {
  const prefix = `.${basename(path)}${TMP_MARK}`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    if (name.startsWith(prefix) && !writerAlive(name.slice(prefix.length))) {
      await unlink(join(dirname(path), name)).catch(() => undefined);
      removed++;
    }
  }
  return removed;
}

function writerAlive(rest: string): boolean {
  const pid = Number.parseInt(rest, 10);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

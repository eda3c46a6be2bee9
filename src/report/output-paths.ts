import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { HardenError } from '../errors.js';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a folder on the path is a file',
  ENOENT: 'no such file or directory',
  EIO: 'input/output error',
  ENAMETOOLONG: 'file name too long',
};

/** One line saying why a file-system call failed, e.g. `no space left on device (ENOSPC)`. */
export function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code) return REASONS[code] ? `${REASONS[code]} (${code})` : code;
  return String((err as Error | undefined)?.message ?? err).split('\n')[0]!;
}

/** A file the run will write, with the option that asked for it (`--output`, `--report junit=`…). */
export interface OutputTarget {
  flag: string;
  file: string;
}

type Found = { isDirectory(): boolean } | 'missing';

async function statOrMissing(path: string): Promise<Found> {
  try {
    return await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw err;
  }
}

async function writable(path: string, mode: number): Promise<string | undefined> {
  try {
    await access(path, mode);
    return undefined;
  } catch (err) {
    return `${path} is not writable: ${fsReason(err)}`;
  }
}

/**
 * Why `path` (absolute) cannot be written, or undefined when it can: an existing file must be
 * writable and not a directory; a new file needs its nearest existing ancestor to be a writable
 * directory (missing folders below it are created when the report is written).
 */
async function whyNotWritable(path: string): Promise<string | undefined> {
  const own = await statOrMissing(path);
  if (own !== 'missing') {
    if (own.isDirectory()) return `${path} is a directory; give a file name`;
    return writable(path, constants.W_OK);
  }
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const found = await statOrMissing(dir);
    if (found !== 'missing') {
      if (!found.isDirectory()) return `${dir} is not a directory`;
      return writable(dir, constants.W_OK | constants.X_OK);
    }
    if (dirname(dir) === dir) return `${dir} does not exist`;
  }
}

/**
 * Checks, before any traffic is sent, that every output file can be written. Throws HardenError
 * USAGE (exit 2) with one line naming the option, the path and the reason.
 */
export async function assertWritable(targets: readonly OutputTarget[], cwd: string): Promise<void> {
  for (const { flag, file } of targets) {
    let reason: string | undefined;
    try {
      reason = await whyNotWritable(resolve(cwd, file));
    } catch (err) {
      reason = fsReason(err);
    }
    if (reason) throw new HardenError('USAGE', `${flag}${file}: cannot write the file there: ${reason}`);
  }
}

import { open, readFile, unlink } from 'node:fs/promises';
import { ServerCommandError } from '../errors.js';

/** A held lock on a state file; release() removes it. */
export interface StateLock {
  path: string;
  release(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid holding `statePath`'s lock, or undefined when it is free or stale. */
export async function lockHolder(statePath: string): Promise<number | undefined> {
  const text = await readFile(`${statePath}.lock`, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  // Our own pid in the file is either a lock this process holds, or one left by an earlier process
  // that had the same pid (containers restart as pid 1).
  if (pid === process.pid) return heldHere.has(statePath) ? pid : undefined;
  return isAlive(pid) ? pid : undefined;
}

const heldHere = new Set<string>();

/**
 * Takes an exclusive lock beside the state file (`state.json.lock` holding our pid). Two writers on
 * one file would lose data, so a second live holder is refused; a lock left by a killed process
 * (its pid no longer alive) is taken over.
 */
export async function acquireStateLock(statePath: string): Promise<StateLock> {
  const path = `${statePath}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.sync();
      await handle.close();
      heldHere.add(statePath);
      return {
        path,
        release: async () => {
          heldHere.delete(statePath);
          const owner = await readFile(path, 'utf8').catch(() => '');
          if (owner.trim() === String(process.pid)) await unlink(path).catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = await lockHolder(statePath);
      if (holder !== undefined) {
        throw new ServerCommandError(
          'STATE_LOCKED',
          `state file ${statePath} is in use by process ${holder}; stop that server first or use another --state`,
        );
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw new ServerCommandError(
    'STATE_LOCKED',
    `could not lock ${statePath}; remove ${path} if no server runs`,
  );
}

import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ServerCommandError } from '../errors.js';
import { fsyncDirectory, removeStaleTempFiles } from './atomic-file.js';
import {
  appendFileTo,
  BACKUP_FORMAT_VERSION,
  type BackupHeader,
  checkPayload,
  hashFile,
  readBackupHeader,
} from './backup-envelope.js';
import { integrityProblem, openDatabase, sniffFile } from './database.js';
import { assertReadableFile, EXPECTED, identifyFile } from './identify-file.js';
import { importEvents, removeDatabaseFiles } from './legacy-import.js';
import { acquireStateLock, lockHolder } from './lock.js';
import { withPrivateCopy } from './private-copy.js';
import { parseState, type StateFile } from './state-format.js';

export { BACKUP_FORMAT_VERSION, type BackupHeader } from './backup-envelope.js';

const tempName = (path: string, suffix = ''): string =>
  join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}${suffix}`);

const countEvents = (db: Database.Database): number =>
  (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;

/**
 * Writes a consistent snapshot of the database at `statePath`, also while a server writes to it:
 * SQLite's online backup API copies every page inside one read transaction (in WAL mode readers do
 * not block the writer, and the writer does not disturb the reader's snapshot). The copy is wrapped
 * in the checksummed, versioned envelope and appears at `outPath` complete or not at all.
 * Errors: BACKUP_NO_STATE, BACKUP_STATE_INVALID, BACKUP_OUT_EXISTS (without `force`).
 */
export async function createBackup(
  statePath: string,
  outPath: string,
  options: { force?: boolean } = {},
): Promise<BackupHeader> {
  const kind = await sniffFile(statePath);
  if (kind === 'missing' || kind === 'empty')
    throw new ServerCommandError('BACKUP_NO_STATE', `no database at ${statePath}; nothing to back up`);
  if (kind === 'other')
    throw new ServerCommandError(
      'BACKUP_STATE_INVALID',
      `${statePath} is not a harden-server database (a version-1 state.json is imported by starting harden-server once)`,
    );
  if (!options.force && (await exists(outPath)))
    throw new ServerCommandError(
      'BACKUP_OUT_EXISTS',
      `${outPath} already exists; choose another --out or pass --force to replace it`,
    );
  await removeStaleTempFiles(outPath);
  const snapshot = tempName(outPath, '.db');
  const envelope = tempName(outPath);
  let placed = false;
  try {
    const source = openDatabase(statePath, { readonly: true });
    try {
      // One step for all pages: a writer between steps would restart a stepwise copy.
      await source.backup(snapshot, { progress: () => 0x7fffffff });
    } finally {
      source.close();
    }
    const copy = new Database(snapshot);
    copy.pragma('journal_mode = DELETE');
    const events = countEvents(copy);
    copy.close();
    const { sha256, bytes } = await hashFile(snapshot);
    const header: BackupHeader = {
      format: 'harden-backup',
      version: BACKUP_FORMAT_VERSION,
      payload: 'sqlite',
      createdAt: new Date().toISOString(),
      events,
      bytes,
      sha256,
    };
    const out = await open(envelope, 'wx', 0o600);
    try {
      await out.write(`${JSON.stringify(header)}\n`);
      await appendFileTo(snapshot, out);
      await out.sync();
    } finally {
      await out.close();
    }
    if (options.force) await rename(envelope, outPath);
    else {
      // link() fails if outPath appeared meanwhile: never replaces a file without --force.
      await link(envelope, outPath).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EEXIST')
          throw new ServerCommandError(
            'BACKUP_OUT_EXISTS',
            `${outPath} already exists; choose another --out or pass --force to replace it`,
          );
        throw err;
      });
    }
    placed = true;
    await fsyncDirectory(dirname(resolve(outPath)));
    return header;
  } finally {
    await removeDatabaseFiles(snapshot);
    if (!placed || !options.force) await unlink(envelope).catch(() => undefined);
  }
}

export interface VerifiedFile {
  /** A backup envelope, a bare database, or a bare version-1 state.json. */
  kind: 'backup' | 'database' | 'state';
  header: BackupHeader | undefined;
  events: number;
}

/**
 * Checks a backup (header, length, SHA-256, then the payload: `PRAGMA integrity_check` and the event
 * count for a database, the schema for a version-1 state), a bare database, or a bare state.json.
 * Read-only for `path`; with `extractTo`, leaves a database built from the file there (for restore).
 * Every refusal is one line saying what the file is and what was expected.
 * Errors: VERIFY_MISSING, VERIFY_NOT_A_FILE, VERIFY_UNREADABLE, VERIFY_FUTURE_VERSION, VERIFY_TRUNCATED,
 * VERIFY_CHECKSUM, VERIFY_INVALID.
 */
export async function verifyFile(path: string, extractTo?: string): Promise<VerifiedFile> {
  await assertReadableFile(path);
  const found = await readBackupHeader(path);
  if (!found) {
    const identified = await identifyFile(path);
    if (identified.kind === 'sqlite') {
      const events = await withPrivateCopy(path, (copy) => checkDatabase(copy, { bare: path }, extractTo));
      return { kind: 'database', header: undefined, events };
    }
    if (extractTo) buildFromState(extractTo, identified.state);
    return { kind: 'state', header: undefined, events: identified.state.events.length };
  }
  const { header, offset } = found;
  await checkPayload(path, header, offset);
  let events: number;
  if (header.payload === 'sqlite') {
    const extracted = extractTo ?? tempName(join(dirname(resolve(path)), basename(path)), '.db');
    try {
      const out = await open(extracted, 'wx', 0o600);
      try {
        await appendFileTo(path, out, offset);
        await out.sync();
      } finally {
        await out.close();
      }
      events = await checkDatabase(extracted, { backup: path });
    } catch (err) {
      await removeDatabaseFiles(extracted);
      throw err;
    }
    if (!extractTo) await removeDatabaseFiles(extracted);
  } else {
    const parsed = parseState((await readFile(path)).subarray(offset).toString('utf8'));
    if (!parsed.ok)
      throw new ServerCommandError(
        'VERIFY_INVALID',
        `${path} is a version-1 backup that passes its checksum, but its state is ${parsed.reason}`,
      );
    events = parsed.state.events.length;
    if (extractTo) buildFromState(extractTo, parsed.state);
  }
  if (events !== header.events) {
    if (extractTo) await removeDatabaseFiles(extractTo);
    throw new ServerCommandError(
      'VERIFY_INVALID',
      `${path} is a backup whose header says ${header.events} events, but its database has ${events}`,
    );
  }
  return { kind: 'backup', header, events };
}

/**
 * integrity_check and event count of a database file: a bare database (`bare`: its path) or the
 * payload of a backup (`backup`: the backup's path), each named as the user knows it in errors;
 * optionally copies it (backup API) to `copyTo`.
 */
async function checkDatabase(
  file: string,
  from: { bare: string } | { backup: string },
  copyTo?: string,
): Promise<number> {
  const shownAs = 'bare' in from ? from.bare : `the database in backup ${from.backup}`;
  const what =
    'bare' in from ? `${from.bare} is an SQLite database that` : `${from.backup} is a backup whose database`;
  let db: Database.Database;
  try {
    db = openDatabase(file, { readonly: true, shownAs });
  } catch (err) {
    throw new ServerCommandError('VERIFY_INVALID', (err as Error).message);
  }
  try {
    const problem = integrityProblem(db);
    if (problem)
      throw new ServerCommandError('VERIFY_INVALID', `${what} fails PRAGMA integrity_check: ${problem}`);
    let events: number;
    try {
      events = countEvents(db);
    } catch (err) {
      throw new ServerCommandError(
        'VERIFY_INVALID',
        `${what} has no readable harden-server events table (${(err as Error).message}); ${EXPECTED}`,
      );
    }
    if (copyTo) await db.backup(copyTo, { progress: () => 0x7fffffff });
    return events;
  } catch (err) {
    if (err instanceof ServerCommandError) throw err;
    throw new ServerCommandError('VERIFY_INVALID', `${what} cannot be read: ${(err as Error).message}`);
  } finally {
    db.close();
  }
}

function buildFromState(path: string, state: StateFile): void {
  const db = openDatabase(path);
  try {
    importEvents(db, state);
  } finally {
    db.close();
  }
}

/**
 * Verifies the backup completely (building the database to restore beside the target), refuses
 * while a live server holds the store, then replaces it by rename: a crash at any point leaves
 * either the old database or the new one. The old database's WAL is checkpointed into it first,
 * so no stale WAL file can be replayed onto the restored database.
 * Errors: those of verifyFile, RESTORE_SERVER_RUNNING, STATE_LOCKED.
 */
export async function restoreBackup(fromPath: string, statePath: string): Promise<VerifiedFile> {
  const absolute = resolve(statePath);
  const staged = tempName(absolute, '.db');
  try {
    const verified = await verifyFile(fromPath, staged);
    const holder = await lockHolder(absolute);
    if (holder !== undefined) {
      throw new ServerCommandError(
        'RESTORE_SERVER_RUNNING',
        `a server (pid ${holder}) is using ${statePath}; stop it (SIGTERM), run restore, then start it again`,
      );
    }
    // Hold the lock while replacing so a server cannot start on a half-restored store.
    const lock = await acquireStateLock(absolute);
    try {
      await settleWal(absolute);
      await rename(staged, absolute);
      await fsyncDirectory(dirname(absolute));
    } finally {
      await lock.release();
    }
    return verified;
  } finally {
    await removeDatabaseFiles(staged);
  }
}

/** Folds a database's WAL into its main file and removes the WAL and shared-memory files. */
async function settleWal(path: string): Promise<void> {
  if ((await sniffFile(path)) === 'sqlite') {
    try {
      const db = new Database(path, { fileMustExist: true });
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    } catch {
      // A corrupt database is being replaced; its WAL is worthless to the new one.
    }
  }
  await unlink(`${path}-wal`).catch(() => undefined);
  await unlink(`${path}-shm`).catch(() => undefined);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

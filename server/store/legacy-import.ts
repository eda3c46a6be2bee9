import { readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ServerCommandError } from '../errors.js';
import { fsyncDirectory, writeFileAtomic } from './atomic-file.js';
import { type Db, openDatabase, sniffFile } from './database.js';
import { parseState, type StateFile } from './state-format.js';

/** How long a key imported from a version-1 state.json stays known (its event's receivedAt + this). */
export const DEFAULT_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** Where a version-1 state file is kept after its import: beside it, named `<file>.v1-backup.json`. */
export const legacyBackupPath = (path: string): string => `${path}.v1-backup.json`;

/**
 * First start on a version-1 state (`state.json`, the whole state as one JSON document): imports it
 * into a new database and keeps the JSON file as a backup. Two cases:
 *  - `path` itself holds the JSON state: it is copied to `<path>.v1-backup.json`, the database is
 *    built beside it and renamed over `path`;
 *  - `path` does not exist and `importFrom` holds a JSON state (the old default `./state.json`):
 *    the database is built at `path` and `importFrom` is renamed to `<importFrom>.v1-backup.json`.
 * A crash at any step leaves the JSON state in place (or its backup complete), so the next start
 * imports again. Caller holds the lock on `path`.
 * Errors: STATE_INVALID (the file is neither a database nor a valid version-1 state).
 */
export async function importLegacyStateIfPresent(
  path: string,
  importFrom?: string,
): Promise<{ events: number; backup: string } | undefined> {
  const kind = await sniffFile(path);
  if (kind === 'sqlite' || kind === 'empty') return undefined;
  let source: string;
  if (kind === 'other') source = path;
  else if (importFrom && (await sniffFile(importFrom)) === 'other') source = importFrom;
  else return undefined;
  const state = await readLegacyState(source);
  const tmp = `${path}.import-${process.pid}`;
  await removeDatabaseFiles(tmp);
  const db = openDatabase(tmp);
  try {
    importEvents(db, state);
  } finally {
    db.close();
  }
  const backup = legacyBackupPath(source);
  if (source === path) {
    await writeFileAtomic(backup, await readFile(path));
    await rename(tmp, path);
  } else {
    await rename(tmp, path);
    await rename(source, backup);
  }
  await fsyncDirectory(dirname(path));
  return { events: state.events.length, backup };
}

/** Reads and validates a version-1 state file. Errors: STATE_UNREADABLE, STATE_INVALID. */
export async function readLegacyState(path: string): Promise<StateFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ServerCommandError(
      'STATE_UNREADABLE',
      `cannot read ${path} (${(err as NodeJS.ErrnoException).code})`,
    );
  }
  const parsed = parseState(text);
  if (!parsed.ok) {
    throw new ServerCommandError(
      'STATE_INVALID',
      `${path} is neither a harden-server database nor a valid state file: it is ${parsed.reason}; restore a backup or move it aside`,
    );
  }
  return parsed.state;
}

/**
 * Inserts a version-1 state's events, their series statistics and their idempotency keys (a key
 * imported this way has no fingerprint: any retry under it replays `{accepted, id}` with 202).
 */
export function importEvents(db: Db, state: StateFile): void {
  const insertEvent = db.prepare(
    'INSERT INTO events (id, received_at, type, series, value, occurred_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertKey = db.prepare(
    `INSERT OR REPLACE INTO idempotency_keys
       (key_hash, fingerprint, event_id, status, headers, body, created_at, expires_at)
     VALUES (?, NULL, ?, 202, '{"content-type":"application/json; charset=utf-8"}', ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const e of state.events) {
      insertEvent.run(
        e.id,
        e.receivedAt,
        e.type,
        e.series,
        e.value,
        e.occurredAt ?? null,
        e.data ? JSON.stringify(e.data) : null,
      );
      if (e.idempotencyKey) {
        const at = Date.parse(e.receivedAt);
        insertKey.run(
          e.idempotencyKey,
          e.id,
          JSON.stringify({ accepted: true, id: e.id }),
          at,
          at + DEFAULT_KEY_TTL_MS,
        );
      }
    }
    db.exec(`INSERT INTO series_stats (series, count, sum, min, max, last)
      SELECT series, count(*), sum(value), min(value), max(value),
             (SELECT value FROM events AS l WHERE l.series = e.series ORDER BY seq DESC LIMIT 1)
        FROM events AS e GROUP BY series`);
  }).immediate();
}

/** Removes a database file with its -wal and -shm companions (missing ones are fine). */
export async function removeDatabaseFiles(path: string): Promise<void> {
  for (const p of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`])
    await unlink(p).catch(() => undefined);
}

import { open } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { ServerCommandError } from '../errors.js';

export type Db = Database.Database;

/** `PRAGMA application_id` of a harden-server database ("HRDN"), so foreign SQLite files are refused. */
export const APPLICATION_ID = 0x4852444e;
/** `PRAGMA user_version`: the schema version. Readers refuse versions newer than theirs. */
export const SCHEMA_VERSION = 1;

/**
 * Schema. `seq` (the rowid) orders events as they were acknowledged; export pages and count-based
 * retention walk it. Idempotency keys are their own rows with their own expiry, independent of
 * the events (an event pruned by retention does not forget its key, and vice versa).
 * `series_stats` is maintained in the same transaction as each insert, so the summary endpoint
 * never scans the events.
 */
const DDL = `
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  received_at TEXT NOT NULL,
  type TEXT NOT NULL,
  series TEXT NOT NULL,
  value REAL NOT NULL,
  occurred_at TEXT,
  data TEXT
);
CREATE INDEX IF NOT EXISTS events_series_seq ON events(series, seq);
CREATE INDEX IF NOT EXISTS events_received_at ON events(received_at);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  key_hash TEXT PRIMARY KEY,
  fingerprint TEXT,
  event_id TEXT NOT NULL,
  status INTEGER NOT NULL,
  headers TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idempotency_keys_expires_at ON idempotency_keys(expires_at);
CREATE TABLE IF NOT EXISTS series_stats (
  series TEXT PRIMARY KEY,
  count INTEGER NOT NULL,
  sum REAL NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  last REAL NOT NULL
);
`;

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** What a file at `path` is: missing, empty, an SQLite database, or something else (e.g. JSON). */
export async function sniffFile(path: string): Promise<'missing' | 'empty' | 'sqlite' | 'other'> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw new ServerCommandError(
      'STATE_UNREADABLE',
      `cannot read ${path} (${(err as NodeJS.ErrnoException).code})`,
    );
  }
  try {
    const head = Buffer.alloc(16);
    const { bytesRead } = await handle.read(head, 0, 16, 0);
    if (bytesRead === 0) return 'empty';
    return bytesRead === 16 && head.equals(SQLITE_MAGIC) ? 'sqlite' : 'other';
  } finally {
    await handle.close();
  }
}

/**
 * Opens (creating if needed) a harden-server database: WAL journal, `synchronous=FULL` (a commit
 * returns only after its WAL frames are fsynced), schema created or checked. `path` undefined opens
 * an in-memory database (embedded use, `harden-check demo`).
 * Errors: STATE_INVALID (not SQLite, foreign or newer schema, corrupt header).
 */
export function openDatabase(
  path: string | undefined,
  options: { readonly?: boolean; shownAs?: string } = {},
): Db {
  // Messages name the file as the user knows it (`verify` opens a temporary copy of a backup's payload).
  const shown = options.shownAs ?? path;
  let db: Db;
  try {
    db = new Database(path ?? ':memory:', {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
    });
  } catch (err) {
    throw new ServerCommandError(
      'STATE_INVALID',
      `${shown} cannot be opened as a database: ${(err as Error).message}`,
    );
  }
  try {
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as {
      n: number;
    };
    if (appId !== APPLICATION_ID && !(appId === 0 && tables.n === 0)) {
      throw new ServerCommandError(
        'STATE_INVALID',
        `${shown} is an SQLite database of another application; refusing to use it as harden-server state`,
      );
    }
    if (version > SCHEMA_VERSION) {
      throw new ServerCommandError(
        'STATE_INVALID',
        `${shown} has schema version ${version}, newer than this harden-server understands (${SCHEMA_VERSION}); upgrade it`,
      );
    }
    if (!options.readonly) {
      if (path) db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.exec(DDL);
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
    return db;
  } catch (err) {
    db.close();
    if (err instanceof ServerCommandError) throw err;
    throw new ServerCommandError(
      'STATE_INVALID',
      `${shown} is not a usable database: ${(err as Error).message}`,
    );
  }
}

/** `PRAGMA integrity_check`: undefined when the database is sound, else SQLite's first finding. */
export function integrityProblem(db: Db): string | undefined {
  const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
  const first = rows[0]?.integrity_check;
  return first === 'ok'
    ? undefined
    : rows
        .slice(0, 3)
        .map((r) => r.integrity_check.replace(/\s+/g, ' ').trim())
        .join('; ');
}

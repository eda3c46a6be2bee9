import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { ServerCommandError } from '../errors.js';
import { type Db, openDatabase } from './database.js';
import { importLegacyStateIfPresent } from './legacy-import.js';
import { acquireStateLock, type StateLock } from './lock.js';
import { pruneEvents, type RetentionPolicy, type SweepResult, sweepExpiredKeys } from './retention.js';
import type { StoredEvent } from './state-format.js';

export type NewEvent = Omit<StoredEvent, 'id' | 'receivedAt' | 'idempotencyKey'>;

/** The first response to a request with an Idempotency-Key, replayed as is for its retries. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** An idempotency key row: the key's SHA-256, the request fingerprint, and the first response. */
export interface KeyRecord extends StoredResponse {
  /** SHA-256 of method, path and body of the first request; null for keys imported from state.json. */
  fingerprint: string | null;
  eventId: string;
  expiresAt: number;
}

/** With an append: the key to store in the same transaction, and the response that will be replayed. */
export interface KeyToStore {
  hash: string;
  fingerprint: string;
  expiresAt: number;
  respond(event: StoredEvent): StoredResponse;
}

export interface AppendResult {
  event: StoredEvent;
  response: StoredResponse | undefined;
}

export interface StoreHooks {
  /** After each durable commit: events it carried and seconds it took. */
  onCommit?(events: number, seconds: number): void;
  /** A commit failed (e.g. SQLITE_FULL); its requests were answered 503. */
  onWriteFailure?(code: string): void;
  /** Retention or key expiry removed rows. */
  onSweep?(result: SweepResult): void;
}

export interface StateStoreOptions {
  /** Database file; undefined keeps state in an in-memory database (`harden-check demo`). */
  path?: string | undefined;
  /** A version-1 state.json to import when the database does not exist yet. */
  importFrom?: string | undefined;
  /** What may be deleted; undefined (the default) deletes no event. */
  retention?: RetentionPolicy | undefined;
  /** How often expired idempotency keys and retained-out events are removed (ms; default 60 s). */
  sweepIntervalMs?: number;
  hooks?: StoreHooks;
}

interface Pending {
  event: StoredEvent;
  key: KeyToStore | undefined;
  response: StoredResponse | undefined;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

interface EventRow {
  seq: number;
  id: string;
  receivedAt: string;
  type: string;
  series: string;
  value: number;
  occurredAt: string | null;
  data: string | null;
}

/**
 * The server's durable state in SQLite (WAL, synchronous=FULL). Appends are grouped: every event
 * queued while the previous commit ran goes into the next single transaction, scheduled once per
 * event-loop turn, so many concurrent requests share one fsync. An append resolves only after its
 * transaction committed; a failed commit rejects every append of its group and stores none of them.
 */
export class StateStore {
  readonly path: string | undefined;
  readonly retention: RetentionPolicy | undefined;
  readonly db: Db;
  private queue: Pending[] = [];
  private scheduled = false;
  private lock: StateLock | undefined;
  private closed = false;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly hooks: StoreHooks;
  private readonly stmt: ReturnType<typeof prepare>;
  private readonly commitGroup: Database.Transaction<(batch: Pending[]) => void>;
  /** Number of commits so far (for tests and benchmarks). */
  writes = 0;
  /** Events stored now (kept in step with commits and pruning; for /metrics). */
  eventCount: number;
  /** The version-1 state.json imported at this open, if one was: its events and where it is kept. */
  imported: { events: number; backup: string } | undefined;
  /** Why the last commit failed (e.g. SQLITE_FULL), until a later commit succeeds; for /readyz. */
  lastWriteError: string | undefined;

  private constructor(db: Db, path: string | undefined, options: StateStoreOptions) {
    this.db = db;
    this.path = path;
    this.retention = options.retention;
    this.hooks = options.hooks ?? {};
    this.stmt = prepare(db);
    this.eventCount = (this.stmt.countEvents.get() as { n: number | null }).n ?? 0;
    this.commitGroup = db.transaction((batch: Pending[]) => this.insertGroup(batch));
  }

  /** Opens (or creates) the database, taking the lock; imports a version-1 state.json first. */
  static async open(options: StateStoreOptions = {}): Promise<StateStore> {
    const path = options.path ? resolve(options.path) : undefined;
    let lock: StateLock | undefined;
    if (path) {
      await mkdir(dirname(path), { recursive: true });
      lock = await acquireStateLock(path);
    }
    let store: StateStore;
    try {
      const imported = path ? await importLegacyStateIfPresent(path, options.importFrom) : undefined;
      store = new StateStore(openDatabase(path), path, options);
      store.imported = imported;
    } catch (err) {
      await lock?.release();
      throw err;
    }
    store.lock = lock;
    store.sweep();
    store.sweeper = setInterval(() => store.sweep(), options.sweepIntervalMs ?? 60_000).unref();
    return store;
  }

  isOpen(): boolean {
    return !this.closed;
  }

  /**
   * Queues an event (and its idempotency key, if any) for the next group commit; resolves after
   * that commit returned. Rejects with the SQLite error when the commit fails.
   */
  append(input: NewEvent, key?: KeyToStore): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new ServerCommandError('STATE_CLOSED', 'state store is closed'));
    const event: StoredEvent = { id: randomUUID(), receivedAt: new Date().toISOString(), ...input };
    const response = key?.respond(event);
    const promise = new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ event, key, response, resolve, reject });
    });
    if (!this.scheduled) {
      this.scheduled = true;
      // Requests parsed in this event-loop turn join the same transaction.
      setImmediate(() => this.commit());
    }
    return promise;
  }

  /** The stored, unexpired record of an idempotency key (by its SHA-256). */
  findKey(hash: string, now = Date.now()): KeyRecord | undefined {
    if (this.closed) return undefined;
    const row = this.stmt.findKey.get(hash, now) as
      | (Omit<KeyRecord, 'headers'> & { headers: string })
      | undefined;
    return row ? { ...row, headers: JSON.parse(row.headers) as Record<string, string> } : undefined;
  }

  /** Per-series count, mean, min, max and last value, from the maintained `series_stats`. */
  seriesSummary(): Array<{
    series: string;
    count: number;
    mean: number;
    min: number;
    max: number;
    last: number;
  }> {
    return (
      this.stmt.summary.all() as Array<{
        series: string;
        count: number;
        sum: number;
        min: number;
        max: number;
        last: number;
      }>
    ).map(({ sum, ...s }) => ({ ...s, mean: sum / s.count }));
  }

  /** Number of stored events of a series and its newest `limit` values, oldest first. */
  seriesValues(series: string, limit: number): { count: number; values: number[] } {
    const stats = this.stmt.seriesCount.get(series) as { count: number } | undefined;
    const values = (this.stmt.recentValues.all(series, limit) as Array<{ value: number }>).map(
      (r) => r.value,
    );
    return { count: stats?.count ?? 0, values: values.reverse() };
  }

  /**
   * The events stored when called, oldest first, in pages of `pageSize` rows read by key range (no
   * statement stays open between pages, so commits continue while a slow client reads).
   */
  *eventPages(pageSize = 500): Generator<StoredEvent[]> {
    const last = (this.stmt.maxSeq.get() as { m: number | null }).m ?? 0;
    let after = 0;
    for (;;) {
      // A response cut short must not look complete: the export fails instead of ending early.
      if (this.closed) throw new ServerCommandError('STATE_CLOSED', 'state store closed during export');
      const rows = this.stmt.page.all(after, last, pageSize) as EventRow[];
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.seq;
      yield rows.map(toEvent);
    }
  }

  /**
   * Removes expired idempotency keys and, under a retention policy, events past it, a bounded chunk
   * per step; while more remain, the next step runs on the next event-loop turn.
   */
  sweep(now = Date.now()): SweepResult {
    if (this.closed) return { expiredKeys: 0, prunedByCount: 0, prunedByAge: 0 };
    const keys = sweepExpiredKeys(this.db, now);
    const events = pruneEvents(this.db, this.retention, now, this.eventCount);
    const result = {
      expiredKeys: keys.removed,
      prunedByCount: events.prunedByCount,
      prunedByAge: events.prunedByAge,
    };
    this.eventCount -= result.prunedByCount + result.prunedByAge;
    if (result.expiredKeys + result.prunedByCount + result.prunedByAge > 0) this.hooks.onSweep?.(result);
    if ((keys.more || events.more) && !this.closed) setImmediate(() => this.sweep());
    return result;
  }

  /** Commits what is queued, then closes the database (checkpointing the WAL) and releases the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    while (this.queue.length > 0) this.commit();
    this.db.close();
    await this.lock?.release();
    this.lock = undefined;
  }

  private commit(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const t0 = performance.now();
    try {
      this.commitGroup.immediate(batch);
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as Error).name;
      this.lastWriteError = code;
      this.hooks.onWriteFailure?.(code);
      for (const p of batch) p.reject(err);
      return;
    }
    this.writes++;
    this.eventCount += batch.length;
    this.lastWriteError = undefined;
    this.hooks.onCommit?.(batch.length, (performance.now() - t0) / 1000);
    for (const p of batch) p.resolve({ event: p.event, response: p.response });
  }

  private insertGroup(batch: Pending[]): void {
    const stats = new Map<string, { count: number; sum: number; min: number; max: number; last: number }>();
    for (const { event: e, key, response } of batch) {
      this.stmt.insertEvent.run(
        e.id,
        e.receivedAt,
        e.type,
        e.series,
        e.value,
        e.occurredAt ?? null,
        e.data === undefined ? null : JSON.stringify(e.data),
      );
      if (key && response) {
        this.stmt.insertKey.run(
          key.hash,
          key.fingerprint,
          e.id,
          response.status,
          JSON.stringify(response.headers),
          response.body,
          Date.now(),
          key.expiresAt,
        );
      }
      const s = stats.get(e.series);
      if (!s) stats.set(e.series, { count: 1, sum: e.value, min: e.value, max: e.value, last: e.value });
      else {
        s.count++;
        s.sum += e.value;
        s.min = Math.min(s.min, e.value);
        s.max = Math.max(s.max, e.value);
        s.last = e.value;
      }
    }
    for (const [series, s] of stats) this.stmt.upsertStats.run(series, s.count, s.sum, s.min, s.max, s.last);
  }
}

function toEvent(r: EventRow): StoredEvent {
  const e: StoredEvent = {
    id: r.id,
    receivedAt: r.receivedAt,
    type: r.type,
    series: r.series,
    value: r.value,
  };
  if (r.occurredAt !== null) e.occurredAt = r.occurredAt;
  if (r.data !== null) e.data = JSON.parse(r.data) as Record<string, unknown>;
  return e;
}

function prepare(db: Db) {
  return {
    insertEvent: db.prepare(
      'INSERT INTO events (id, received_at, type, series, value, occurred_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    insertKey: db.prepare(
      `INSERT OR REPLACE INTO idempotency_keys
         (key_hash, fingerprint, event_id, status, headers, body, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    upsertStats: db.prepare(
      `INSERT INTO series_stats (series, count, sum, min, max, last) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (series) DO UPDATE SET count = count + excluded.count, sum = sum + excluded.sum,
         min = min(min, excluded.min), max = max(max, excluded.max), last = excluded.last`,
    ),
    findKey: db.prepare(
      `SELECT fingerprint, event_id AS eventId, status, headers, body, expires_at AS expiresAt
         FROM idempotency_keys WHERE key_hash = ? AND expires_at > ?`,
    ),
    countEvents: db.prepare('SELECT sum(count) AS n FROM series_stats'),
    summary: db.prepare('SELECT series, count, sum, min, max, last FROM series_stats ORDER BY series'),
    seriesCount: db.prepare('SELECT count FROM series_stats WHERE series = ?'),
    recentValues: db.prepare('SELECT value FROM events WHERE series = ? ORDER BY seq DESC LIMIT ?'),
    maxSeq: db.prepare('SELECT max(seq) AS m FROM events'),
    page: db.prepare(
      `SELECT seq, id, received_at AS receivedAt, type, series, value, occurred_at AS occurredAt, data
         FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
    ),
  };
}

import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ServerCommandError } from '../errors.js';
import { type Db, openDatabase } from './database.js';
import { newEventId } from './event-id.js';
import { prepareReads, type SeriesSummary } from './event-reads.js';
import type { StoredResponse, WriteItem } from './group-commit.js';
import { importLegacyStateIfPresent } from './legacy-import.js';
import { acquireStateLock, type StateLock } from './lock.js';
import { pruneEvents, type RetentionPolicy, type SweepResult, sweepExpiredKeys } from './retention.js';
import type { StoredEvent } from './state-format.js';
import { type GroupWriter, InlineWriter, StoreWriteError, WorkerWriter } from './writer-thread.js';

export type { StoredResponse } from './group-commit.js';
export { StoreWriteError } from './writer-thread.js';

export type NewEvent = Omit<StoredEvent, 'id' | 'receivedAt' | 'idempotencyKey'>;

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
  /** The writer thread died (`message` says why); its unanswered requests were answered 503. */
  onWriterExit?(code: string, message: string): void;
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
  item: WriteItem;
  response: StoredResponse | undefined;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

/**
 * The server's durable state in SQLite (WAL, synchronous=FULL). Appends queued in one event-loop
 * turn form a group; a writer thread with its own connection commits, in ONE transaction, every
 * group that reached it while its previous commit ran, so many concurrent requests share one fsync
 * and the fsync never blocks the HTTP thread. An append resolves only after the commit holding it
 * returned; a failed commit rejects every append it carried and stores none of them. Reads, sweeps
 * and the schema use this thread's own connection. An in-memory database commits on this thread.
 */
export class StateStore {
  readonly path: string | undefined;
  readonly retention: RetentionPolicy | undefined;
  /** This thread's connection: reads, sweeps. Events are written by `writer`. */
  readonly db: Db;
  readonly writer: GroupWriter;
  private queue: Pending[] = [];
  private scheduled = false;
  private lock: StateLock | undefined;
  private closed = false;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly hooks: StoreHooks;
  private readonly reads: ReturnType<typeof prepareReads>;
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
    this.reads = prepareReads(db);
    this.eventCount = this.reads.countEvents();
    const writerHooks = {
      onCommit: (events: number, seconds: number) => {
        this.writes++;
        this.hooks.onCommit?.(events, seconds);
      },
      onWriteFailure: (code: string) => this.hooks.onWriteFailure?.(code),
      onWriterExit: (code: string, message: string) => this.hooks.onWriterExit?.(code, message),
    };
    this.writer = path ? new WorkerWriter(path, writerHooks) : new InlineWriter(db, writerHooks);
  }

  /** Opens (or creates) the database, taking the lock; imports a version-1 state.json first. */
  static async open(options: StateStoreOptions = {}): Promise<StateStore> {
    const path = options.path ? resolve(options.path) : undefined;
    let lock: StateLock | undefined;
    if (path) {
      await mkdir(dirname(path), { recursive: true });
      lock = await acquireStateLock(path);
    }
    let store: StateStore | undefined;
    try {
      const imported = path ? await importLegacyStateIfPresent(path, options.importFrom) : undefined;
      store = new StateStore(openDatabase(path), path, options);
      store.imported = imported;
      if (store.writer instanceof WorkerWriter) await store.writer.start();
    } catch (err) {
      store?.db.close();
      await lock?.release();
      if (err instanceof StoreWriteError)
        throw new ServerCommandError('STATE_INVALID', `${path} cannot be opened for writing: ${err.message}`);
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
   * that commit returned. Rejects with a StoreWriteError (SQLite's code, or STATE_WRITER_EXITED)
   * when it was not stored durably.
   */
  append(input: NewEvent, key?: KeyToStore): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new ServerCommandError('STATE_CLOSED', 'state store is closed'));
    const event: StoredEvent = { id: newEventId(), receivedAt: new Date().toISOString(), ...input };
    const response = key?.respond(event);
    const item: WriteItem = {
      event,
      key: key &&
        response && { hash: key.hash, fingerprint: key.fingerprint, expiresAt: key.expiresAt, response },
    };
    const promise = new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ item, response, resolve, reject });
    });
    if (!this.scheduled) {
      this.scheduled = true;
      // Requests parsed in this event-loop turn go to the writer as one group.
      setImmediate(() => this.flush());
    }
    return promise;
  }

  /** The stored, unexpired record of an idempotency key (by its SHA-256). */
  findKey(hash: string, now = Date.now()): KeyRecord | undefined {
    return this.closed ? undefined : this.reads.findKey(hash, now);
  }

  /** Per-series count, mean, min, max and last value, from the maintained `series_stats`. */
  seriesSummary(): SeriesSummary[] {
    return this.reads.seriesSummary();
  }

  /** Number of stored events of a series and its newest `limit` values, oldest first. */
  seriesValues(series: string, limit: number): { count: number; values: number[] } {
    return this.reads.seriesValues(series, limit);
  }

  /**
   * The events stored when called, oldest first, in pages of `pageSize` rows read by key range (no
   * statement stays open between pages, so commits continue while a slow client reads).
   */
  *eventPages(pageSize = 500): Generator<StoredEvent[]> {
    const last = this.reads.maxSeq();
    let after = 0;
    for (;;) {
      // A response cut short must not look complete: the export fails instead of ending early.
      if (this.closed) throw new ServerCommandError('STATE_CLOSED', 'state store closed during export');
      const page = this.reads.page(after, last, pageSize);
      if (page.events.length === 0) return;
      after = page.after;
      yield page.events;
    }
  }

  /**
   * Removes expired idempotency keys and, under a retention policy, events past it, a bounded chunk
   * per step; while more remain, the next step runs on the next event-loop turn. Runs on this
   * thread's connection: SQLite's write lock orders each step with the writer's commits.
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
    const last = this.flush();
    await this.writer.close();
    await last;
    this.db.close();
    await this.lock?.release();
    this.lock = undefined;
  }

  /** Hands the queued appends to the writer as one group; settles them when it answers. */
  private async flush(): Promise<void> {
    this.scheduled = false;
    const group = this.queue;
    this.queue = [];
    if (group.length === 0) return;
    try {
      await this.writer.write(group.map((p) => p.item));
    } catch (err) {
      this.lastWriteError = (err as { code?: string }).code ?? (err as Error).name;
      for (const p of group) p.reject(err);
      return;
    }
    this.eventCount += group.length;
    this.lastWriteError = undefined;
    for (const p of group) p.resolve({ event: p.item.event, response: p.response });
  }
}

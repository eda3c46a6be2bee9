import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ServerCommandError } from '../errors.js';
import { removeStaleTempFiles, writeFileAtomic } from './atomic-file.js';
import { acquireStateLock, type StateLock } from './lock.js';
import { emptyState, parseState, type StateFile, type StoredEvent } from './state-format.js';

export type NewEvent = Omit<StoredEvent, 'id' | 'receivedAt' | 'idempotencyKey'>;

export interface AppendResult {
  event: StoredEvent;
  /** True when the Idempotency-Key was seen before and nothing new was stored. */
  duplicate: boolean;
}

export interface StateStoreOptions {
  /** Path of state.json; undefined keeps state in memory only (used by `harden-check demo`). */
  path?: string | undefined;
  /** Newest events kept; bounds the cost of each write. */
  retention?: number;
  /** Called after each durable commit with its size and duration (for metrics). */
  onCommit?: (events: number, seconds: number) => void;
}

interface Pending {
  event: StoredEvent;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

export const DEFAULT_RETENTION = 10_000;

/** Hashes an Idempotency-Key so the raw key is never stored or logged. */
export function hashIdempotencyKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * The server's durable state. Appends are grouped: while one write is on its way to disk, new events
 * queue for the next one, so many concurrent requests share one fsync (group commit). An append
 * resolves only after the file containing it was renamed into place and the directory fsynced.
 */
export class StateStore {
  readonly path: string | undefined;
  readonly retention: number;
  private committed: StoredEvent[] = [];
  private byKey = new Map<string, StoredEvent>();
  private inFlightKeys = new Map<string, Promise<AppendResult>>();
  private queue: Pending[] = [];
  private writing: Promise<void> | undefined;
  private lock: StateLock | undefined;
  private closed = false;
  /** Number of file writes so far (for tests and benchmarks). */
  writes = 0;

  private readonly onCommit: StateStoreOptions['onCommit'];

  private constructor(options: StateStoreOptions) {
    this.onCommit = options.onCommit;
    this.path = options.path ? resolve(options.path) : undefined;
    this.retention = options.retention ?? DEFAULT_RETENTION;
  }

  /** Opens (or creates) the state, taking the lock and clearing temp files a crash left behind. */
  static async open(options: StateStoreOptions = {}): Promise<StateStore> {
    const store = new StateStore(options);
    if (store.path) {
      await mkdir(dirname(store.path), { recursive: true });
      store.lock = await acquireStateLock(store.path);
      try {
        await removeStaleTempFiles(store.path);
        const state = await readStateFile(store.path);
        store.setCommitted(state?.events ?? []);
      } catch (err) {
        await store.lock.release();
        throw err;
      }
    }
    return store;
  }

  get events(): readonly StoredEvent[] {
    return this.committed;
  }

  isOpen(): boolean {
    return !this.closed;
  }

  /** Why the last commit failed (e.g. disk full), until a later commit succeeds; for /readyz. */
  lastWriteError: string | undefined;

  /** Stores an event durably; with an idempotency key seen before, returns the first result instead. */
  append(input: NewEvent, idempotencyKey?: string): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new ServerCommandError('STATE_CLOSED', 'state store is closed'));
    const keyHash = idempotencyKey === undefined ? undefined : hashIdempotencyKey(idempotencyKey);
    if (keyHash) {
      const seen = this.byKey.get(keyHash);
      if (seen) return Promise.resolve({ event: seen, duplicate: true });
      const inFlight = this.inFlightKeys.get(keyHash);
      if (inFlight) return inFlight.then((r) => ({ event: r.event, duplicate: true }));
    }
    const event: StoredEvent = {
      id: randomUUID(),
      receivedAt: new Date().toISOString(),
      ...input,
      ...(keyHash ? { idempotencyKey: keyHash } : {}),
    };
    const promise = new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
    });
    if (keyHash) {
      this.inFlightKeys.set(keyHash, promise);
      const clear = () => this.inFlightKeys.delete(keyHash);
      promise.then(clear, clear);
    }
    this.scheduleWrite();
    return promise;
  }

  /** Waits for queued writes, then releases the lock. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.writing || this.queue.length > 0) {
      if (!this.writing) this.scheduleWrite();
      await this.writing;
    }
    await this.lock?.release();
    this.lock = undefined;
  }

  private scheduleWrite(): void {
    if (this.writing) return;
    this.writing = this.writeBatches().finally(() => {
      this.writing = undefined;
      if (this.queue.length > 0) this.scheduleWrite();
    });
  }

  private async writeBatches(): Promise<void> {
    // Let requests that arrive in the same tick join this batch.
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const next = this.committed.concat(batch.map((p) => p.event));
      const kept = next.length > this.retention ? next.slice(next.length - this.retention) : next;
      try {
        if (this.path) {
          const t0 = performance.now();
          const doc: StateFile = { ...emptyState(), events: kept };
          await writeFileAtomic(this.path, `${JSON.stringify(doc)}\n`);
          this.writes++;
          this.onCommit?.(batch.length, (performance.now() - t0) / 1000);
        }
      } catch (err) {
        this.lastWriteError = (err as NodeJS.ErrnoException).code ?? (err as Error).name;
        for (const p of batch) p.reject(err);
        continue;
      }
      this.lastWriteError = undefined;
      // The idempotency index follows the commit incrementally: keys of events trimmed by the
      // retention bound leave it, keys of the new events join it (no rebuild per commit).
      for (const e of next.slice(0, next.length - kept.length))
        if (e.idempotencyKey) this.byKey.delete(e.idempotencyKey);
      for (const p of batch) if (p.event.idempotencyKey) this.byKey.set(p.event.idempotencyKey, p.event);
      this.committed = kept;
      for (const p of batch) p.resolve({ event: p.event, duplicate: false });
    }
  }

  /** Installs a whole committed state (at open) and indexes its idempotency keys. */
  private setCommitted(events: StoredEvent[]): void {
    this.committed = events;
    this.byKey = new Map();
    for (const e of events) if (e.idempotencyKey) this.byKey.set(e.idempotencyKey, e);
  }
}

/** Reads and validates a state file; undefined when it does not exist. */
export async function readStateFile(path: string): Promise<StateFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ServerCommandError('STATE_UNREADABLE', `cannot read ${path}: ${(err as Error).message}`);
  }
  const parsed = parseState(text);
  if (!parsed.ok) {
    throw new ServerCommandError(
      'STATE_INVALID',
      `${path} is ${parsed.reason}; restore a backup or move it aside`,
    );
  }
  return parsed.state;
}

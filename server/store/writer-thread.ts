import { Worker } from 'node:worker_threads';
import type { Db } from './database.js';
import { prepareGroupCommit, type WriteItem } from './group-commit.js';

/** Messages to the writer thread. */
export type ToWriter = { t: 'write'; id: number; items: WriteItem[] } | { t: 'close' };
/** Messages from the writer thread. */
export type FromWriter =
  | { t: 'ready'; journalMode: string; synchronous: number }
  | { t: 'open-failed'; code: string; message: string }
  | { t: 'committed'; ids: number[]; events: number; seconds: number }
  | { t: 'failed'; ids: number[]; code: string; message: string }
  | { t: 'closed' };

/** A group that was not stored: `code` is SQLite's (e.g. SQLITE_FULL) or STATE_WRITER_EXITED. */
export class StoreWriteError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StoreWriteError';
  }
}

export interface WriterHooks {
  /** After each durable commit: events it carried and seconds it took. */
  onCommit(events: number, seconds: number): void;
  /** A commit failed; none of its groups was stored. */
  onWriteFailure(code: string): void;
  /** The writer thread ended unexpectedly; the groups it had not answered were rejected. */
  onWriterExit(code: string, message: string): void;
}

/** Stores groups of events durably: `write` resolves after the commit holding the group returned. */
export interface GroupWriter {
  write(items: WriteItem[]): Promise<void>;
  /** Commits what was written and closes the writer's connection. */
  close(): Promise<void>;
}

/**
 * The writer's module. Under the test runner this module is TypeScript source, which a worker
 * thread cannot load; the built copy (npm run build) is used then.
 */
const WORKER = import.meta.url.endsWith('.ts')
  ? new URL('../../dist/server/store/writer-worker.js', import.meta.url)
  : new URL('./writer-worker.js', import.meta.url);

/**
 * Commits in a worker thread with its own connection, so the fsync of one commit never blocks the
 * HTTP thread: requests keep being parsed meanwhile, and all groups written during a commit go
 * into the next one. A writer thread that dies rejects what it had not answered
 * (STATE_WRITER_EXITED: maybe stored, never acknowledged) and is started again by the next write.
 */
export class WorkerWriter implements GroupWriter {
  private worker: Worker | undefined;
  private starting: Promise<Worker> | undefined;
  private nextId = 1;
  private closing = false;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  /** The writer connection's settings as it reported them (journal mode, synchronous level). */
  settings: { journalMode: string; synchronous: number } | undefined;

  constructor(
    private readonly path: string,
    private readonly hooks: WriterHooks,
  ) {}

  /** Starts the writer thread; rejects when it cannot open the database. */
  start(): Promise<Worker> {
    this.starting ??= new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(WORKER, { workerData: { path: this.path } });
      let lastError: Error | undefined;
      worker.on('message', (m: FromWriter) => {
        if (m.t === 'ready') {
          this.settings = { journalMode: m.journalMode, synchronous: m.synchronous };
          this.worker = worker;
          worker.unref();
          resolve(worker);
        } else if (m.t === 'open-failed') reject(new StoreWriteError(m.code, m.message));
        else if (m.t === 'committed') {
          this.hooks.onCommit(m.events, m.seconds);
          for (const id of m.ids) this.settle(id)?.resolve();
        } else if (m.t === 'failed') {
          this.hooks.onWriteFailure(m.code);
          const err = new StoreWriteError(m.code, m.message);
          for (const id of m.ids) this.settle(id)?.reject(err);
        }
      });
      worker.on('error', (err) => {
        lastError = err;
      });
      worker.on('exit', (exitCode) => {
        const unexpected = this.worker === worker && !this.closing;
        this.worker = undefined;
        this.starting = undefined;
        const message = lastError
          ? `${lastError.name}: ${lastError.message}`
          : `the writer thread exited with code ${exitCode}`;
        const err = new StoreWriteError('STATE_WRITER_EXITED', message);
        reject(err);
        if (unexpected) this.hooks.onWriterExit('STATE_WRITER_EXITED', message);
        for (const [id, p] of this.pending) {
          this.pending.delete(id);
          p.reject(err);
        }
      });
    });
    return this.starting;
  }

  async write(items: WriteItem[]): Promise<void> {
    const worker = this.worker ?? (await this.start());
    const id = this.nextId++;
    const done = new Promise<void>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    // Held while groups are outstanding: a process must not exit before they are answered.
    if (this.pending.size === 1) worker.ref();
    worker.postMessage({ t: 'write', id, items } satisfies ToWriter);
    return done;
  }

  async close(): Promise<void> {
    this.closing = true;
    const worker = this.worker ?? (this.starting ? await this.starting.catch(() => undefined) : undefined);
    if (!worker) return;
    worker.ref();
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ t: 'close' } satisfies ToWriter);
    await exited;
  }

  /** Groups handed to the writer and not answered yet. */
  get outstanding(): number {
    return this.pending.size;
  }

  /** The thread itself (for fault-injection tests: terminate it to see how a crash is handled). */
  get thread(): Worker | undefined {
    return this.worker;
  }

  private settle(id: number) {
    const p = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    return p;
  }
}

/** Commits on the calling thread (an in-memory database cannot be shared with a worker). */
export class InlineWriter implements GroupWriter {
  private readonly commit: ReturnType<typeof prepareGroupCommit>;

  constructor(
    db: Db,
    private readonly hooks: WriterHooks,
  ) {
    this.commit = prepareGroupCommit(db);
  }

  async write(items: WriteItem[]): Promise<void> {
    const t0 = performance.now();
    try {
      this.commit([items]);
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as Error).name;
      this.hooks.onWriteFailure(code);
      throw new StoreWriteError(code, (err as Error).message);
    }
    this.hooks.onCommit(items.length, (performance.now() - t0) / 1000);
  }

  async close(): Promise<void> {}
}

// The writer thread: owns the database connection that stores events. Groups of events posted by
// the HTTP thread queue up while a commit runs (the fsync blocks only this thread); everything
// queued then goes into the next single transaction. Each commit is answered with the ids of the
// groups it carried, after it returned; a failed commit with the SQLite error code, and none of
// its groups stored. Protocol: see writer-thread.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './database.js';
import { prepareGroupCommit, type WriteItem } from './group-commit.js';
import type { FromWriter, ToWriter } from './writer-thread.js';

const port = parentPort!;
const post = (m: FromWriter) => port.postMessage(m);

let db: ReturnType<typeof openDatabase>;
let commit: ReturnType<typeof prepareGroupCommit>;
try {
  db = openDatabase((workerData as { path: string }).path);
  commit = prepareGroupCommit(db);
  post({
    t: 'ready',
    journalMode: String(db.pragma('journal_mode', { simple: true })),
    synchronous: Number(db.pragma('synchronous', { simple: true })),
  });
} catch (err) {
  post({ t: 'open-failed', code: codeOf(err), message: (err as Error).message });
  process.exit(1);
}

let queue: Array<{ id: number; items: WriteItem[] }> = [];
let scheduled = false;

function commitQueued(): void {
  scheduled = false;
  const groups = queue;
  queue = [];
  if (groups.length === 0) return;
  const ids = groups.map((g) => g.id);
  const t0 = performance.now();
  try {
    commit(groups.map((g) => g.items));
  } catch (err) {
    post({ t: 'failed', ids, code: codeOf(err), message: (err as Error).message });
    return;
  }
  const events = groups.reduce((n, g) => n + g.items.length, 0);
  post({ t: 'committed', ids, events, seconds: (performance.now() - t0) / 1000 });
}

port.on('message', (m: ToWriter) => {
  if (m.t === 'write') {
    queue.push({ id: m.id, items: m.items });
    if (!scheduled) {
      scheduled = true;
      // Every group that arrives while this turn's messages are read joins the same transaction.
      setImmediate(commitQueued);
    }
  } else if (m.t === 'close') {
    commitQueued();
    db.close();
    post({ t: 'closed' });
    port.close();
  }
});

function codeOf(err: unknown): string {
  return (err as { code?: string }).code ?? (err as Error).name ?? 'Error';
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from './state-store.js';
import type { WorkerWriter } from './writer-thread.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-writer-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const ev = (value: number) => ({ type: 't', series: 's', value });
const turn = () => new Promise((r) => setImmediate(r));
const storedValues = (path: string) => {
  const db = new Database(path, { readonly: true });
  const values = (db.prepare('SELECT value FROM events ORDER BY seq').all() as Array<{ value: number }>).map(
    (r) => r.value,
  );
  db.close();
  return values;
};

/** Waits (bounded) until the writer holds `n` unanswered groups. */
async function untilOutstanding(writer: WorkerWriter, n: number): Promise<void> {
  for (let i = 0; i < 2000 && writer.outstanding < n; i++) await new Promise((r) => setTimeout(r, 5));
  expect(writer.outstanding).toBe(n);
}

describe('writer thread', () => {
  it('acknowledges no event before the commit holding it returned, and groups what arrived meanwhile', async () => {
    const path = join(dir, 'state.db');
    const log: string[] = [];
    const store = await StateStore.open({
      path,
      hooks: { onCommit: (events) => log.push(`commit ${events}`) },
    });
    const writer = store.writer as WorkerWriter;
    // Another connection holds SQLite's write lock: the writer's next commit cannot complete.
    const blocker = new Database(path);
    blocker.exec('BEGIN IMMEDIATE');
    const first = store.append(ev(1)).then(() => log.push('ack 1'));
    await untilOutstanding(writer, 1);
    // These reach the writer while its commit waits; they must not share the first one's fate.
    const rest = [2, 3, 4].map((v) => store.append(ev(v)).then(() => log.push(`ack ${v}`)));
    await untilOutstanding(writer, 2);
    for (let i = 0; i < 20; i++) await turn();
    expect(log).toEqual([]);
    expect(storedValues(path)).toEqual([]);
    blocker.exec('COMMIT');
    blocker.close();
    await Promise.all([first, ...rest]);
    // Each acknowledgement after the commit holding its event: at every point of the log, no more
    // events acknowledged than committed. What arrived while the first commit waited shares one
    // transaction: the first group alone then the other three (["commit 1", …, "commit 3", …]), or
    // — when the writer had not yet begun the first commit as the others arrived, as on a busy
    // machine — all four in one.
    let committed = 0;
    let acked = 0;
    for (const entry of log) {
      const [what, n] = entry.split(' ') as [string, string];
      if (what === 'commit') committed += Number(n);
      else acked++;
      expect(acked, log.join(', ')).toBeLessThanOrEqual(committed);
    }
    expect(acked).toBe(4);
    expect(committed).toBe(4);
    const commits = log.filter((e) => e.startsWith('commit'));
    expect([['commit 1', 'commit 3'], ['commit 4']]).toContainEqual(commits);
    expect(storedValues(path)).toEqual([1, 2, 3, 4]);
    expect(store.writes).toBe(commits.length);
    await store.close();
  });

  it('a writer that dies rejects what it had not answered, is reported, and is replaced by the next write', async () => {
    const path = join(dir, 'state.db');
    const exits: string[] = [];
    const store = await StateStore.open({
      path,
      hooks: { onWriterExit: (code, message) => exits.push(`${code}: ${message}`) },
    });
    const writer = store.writer as WorkerWriter;
    await store.append(ev(1));
    const blocker = new Database(path);
    blocker.exec('BEGIN IMMEDIATE');
    const lost = store.append(ev(2));
    await untilOutstanding(writer, 1);
    // Ended while its commit waits for the write lock: the group is never committed.
    const ended = writer.thread!.terminate();
    blocker.exec('COMMIT');
    blocker.close();
    await ended;
    await expect(lost).rejects.toMatchObject({ code: 'STATE_WRITER_EXITED' });
    expect(store.lastWriteError).toBe('STATE_WRITER_EXITED');
    expect(exits).toEqual(['STATE_WRITER_EXITED: the writer thread exited with code 1']);
    // The next write starts a new writer on the same database.
    const { event } = await store.append(ev(3));
    expect(store.lastWriteError).toBeUndefined();
    expect(store.eventCount).toBe(2);
    expect(store.findKey('none')).toBeUndefined();
    expect([...store.eventPages()].flat().map((e) => [e.id === event.id, e.value])).toEqual([
      [false, 1],
      [true, 3],
    ]);
    await store.close();
    expect(storedValues(path)).toEqual([1, 3]);
    expect(exits).toHaveLength(1);
  });

  it('close commits every queued group before the database closes', async () => {
    const path = join(dir, 'state.db');
    const store = await StateStore.open({ path });
    const acks = Array.from({ length: 30 }, (_, i) => store.append(ev(i)));
    await store.close();
    await Promise.all(acks);
    expect(storedValues(path)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});

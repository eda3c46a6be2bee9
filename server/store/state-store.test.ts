import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from './state-store.js';
import type { WorkerWriter } from './writer-thread.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-store-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const ev = (value: number, series = 's') => ({ type: 't', series, value });
const allIds = (store: StateStore) => [...store.eventPages(7)].flat().map((e) => e.id);

describe('StateStore', () => {
  it('group-commits concurrent appends into few transactions, each acknowledged event in the file', async () => {
    const path = join(dir, 'state.db');
    const store = await StateStore.open({ path });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => store.append(ev(i))));
    expect(store.writes).toBeLessThan(5);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    // The connection that commits (the writer thread's) is the one that must fsync every commit.
    expect((store.writer as WorkerWriter).settings).toEqual({ journalMode: 'wal', synchronous: 2 });
    // A second connection (another process would see the same) finds every acknowledged event.
    const reader = new Database(path, { readonly: true });
    const ids = new Set(
      (reader.prepare('SELECT id FROM events').all() as Array<{ id: string }>).map((r) => r.id),
    );
    reader.close();
    for (const r of results) expect(ids.has(r.event.id)).toBe(true);
    await store.close();
  });

  it('keeps every event without a retention policy, and pages through them in order', async () => {
    const path = join(dir, 'state.db');
    let store = await StateStore.open({ path });
    for (let i = 0; i < 3; i++)
      await Promise.all(Array.from({ length: 10 }, (_, k) => store.append(ev(i * 10 + k))));
    await store.close();
    store = await StateStore.open({ path });
    expect(store.eventCount).toBe(30);
    const values = [...store.eventPages(7)].flat().map((e) => e.value);
    expect(values).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(store.sweep()).toEqual({ expiredKeys: 0, prunedByCount: 0, prunedByAge: 0 });
    await store.close();
  });

  it('stores an idempotency key with its event in one transaction and forgets it only after its expiry', async () => {
    const store = await StateStore.open({ path: join(dir, 'state.db') });
    const respond = (e: { id: string }) => ({ status: 202, headers: { 'content-type': 'x' }, body: e.id });
    const now = Date.now();
    const { event } = await store.append(ev(1), {
      hash: 'h1',
      fingerprint: 'f1',
      expiresAt: now + 1000,
      respond,
    });
    // Unrelated events do not push the key out.
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.append(ev(i))));
    expect(store.findKey('h1', now)).toMatchObject({
      fingerprint: 'f1',
      eventId: event.id,
      status: 202,
      body: event.id,
    });
    expect(store.findKey('h1', now + 1000)).toBeUndefined();
    expect(store.sweep(now + 999).expiredKeys).toBe(0);
    expect(store.sweep(now + 1000).expiredKeys).toBe(1);
    expect(store.eventCount).toBe(51);
    await store.close();
  });

  it('prunes by count and by age only under a policy, and corrects the series statistics', async () => {
    const store = await StateStore.open({ path: join(dir, 'state.db'), retention: { maxEvents: 5 } });
    for (let i = 0; i < 8; i++) await store.append(ev(i, i % 2 ? 'odd' : 'even'));
    expect(store.sweep()).toMatchObject({ prunedByCount: 3 });
    expect([...store.eventPages()].flat().map((e) => e.value)).toEqual([3, 4, 5, 6, 7]);
    expect(store.seriesSummary()).toEqual([
      { series: 'even', count: 2, mean: 5, min: 4, max: 6, last: 6 },
      { series: 'odd', count: 3, mean: 5, min: 3, max: 7, last: 7 },
    ]);
    expect(store.eventCount).toBe(5);
    await store.close();

    const aged = await StateStore.open({ path: join(dir, 'aged.db'), retention: { maxAgeSeconds: 60 } });
    await aged.append(ev(1));
    expect(aged.sweep(Date.now() + 30_000).prunedByAge).toBe(0);
    expect(aged.sweep(Date.now() + 61_000).prunedByAge).toBe(1);
    expect(aged.seriesSummary()).toEqual([]);
    await aged.close();
  });

  it('prunes a large excess in bounded steps, one per event-loop turn, until the policy holds', async () => {
    const pruned: number[] = [];
    const store = await StateStore.open({
      path: join(dir, 'state.db'),
      retention: { maxEvents: 1000 },
      hooks: { onSweep: (r) => pruned.push(r.prunedByCount) },
    });
    await Promise.all(Array.from({ length: 12_000 }, (_, i) => store.append(ev(i))));
    expect(store.sweep().prunedByCount).toBe(5000);
    while (store.eventCount > 1000) await new Promise((r) => setImmediate(r));
    expect(pruned).toEqual([5000, 5000, 1000]);
    const values = [...store.eventPages()].flat().map((e) => e.value);
    expect(values).toEqual(Array.from({ length: 1000 }, (_, i) => 11_000 + i));
    expect(store.seriesSummary()).toEqual([
      { series: 's', count: 1000, mean: 11_499.5, min: 11_000, max: 11_999, last: 11_999 },
    ]);
    await store.close();
  });

  it('a failed commit stores none of its group, rejects all of it, and is reported until a commit succeeds', async () => {
    const failures: string[] = [];
    const store = await StateStore.open({
      path: join(dir, 'state.db'),
      hooks: { onWriteFailure: (code) => failures.push(code) },
    });
    await store.append(ev(1));
    // The writer's inserts of value 2 fail inside SQLite, as a full disk fails a commit.
    store.db.exec(
      "CREATE TRIGGER refuse_two BEFORE INSERT ON events WHEN NEW.value = 2 BEGIN SELECT RAISE(ABORT, 'refused'); END",
    );
    const results = await Promise.allSettled([store.append(ev(5)), store.append(ev(2)), store.append(ev(6))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_TRIGGER' });
    expect(store.lastWriteError).toBe('SQLITE_CONSTRAINT_TRIGGER');
    expect(failures).toEqual(['SQLITE_CONSTRAINT_TRIGGER']);
    expect(allIds(store)).toHaveLength(1);
    expect(store.eventCount).toBe(1);
    store.db.exec('DROP TRIGGER refuse_two');
    await store.append(ev(3));
    expect(store.lastWriteError).toBeUndefined();
    expect([...store.eventPages()].flat().map((e) => e.value)).toEqual([1, 3]);
    await store.close();
  });

  it('takes over a stale lock left by a dead process and refuses a file that is not a database', async () => {
    const path = join(dir, 'state.db');
    await writeFile(`${path}.lock`, '999999\n');
    const store = await StateStore.open({ path });
    expect(store.isOpen()).toBe(true);
    await store.close();
    await writeFile(join(dir, 'junk.db'), 'hello, not SQLite');
    await expect(StateStore.open({ path: join(dir, 'junk.db') })).rejects.toMatchObject({
      code: 'STATE_INVALID',
    });
    const foreign = new Database(join(dir, 'foreign.db'));
    foreign.exec('CREATE TABLE t (x)');
    foreign.close();
    await expect(StateStore.open({ path: join(dir, 'foreign.db') })).rejects.toMatchObject({
      code: 'STATE_INVALID',
      message: expect.stringMatching(/another application/),
    });
  });
});

describe('version-1 state.json import', () => {
  const v1 = (events: unknown[]) =>
    JSON.stringify({ format: 'harden-state', version: 1, updatedAt: new Date().toISOString(), events });
  const legacy = [
    {
      id: 'e1',
      receivedAt: new Date().toISOString(),
      type: 't',
      series: 'a',
      value: 1,
      idempotencyKey: 'a'.repeat(64),
    },
    { id: 'e2', receivedAt: new Date().toISOString(), type: 't', series: 'a', value: 5, data: { k: 1 } },
  ];

  it('imports a state.json named by --state in place and keeps the JSON as a backup', async () => {
    const path = join(dir, 'state.json');
    await writeFile(path, v1(legacy));
    const store = await StateStore.open({ path });
    expect(store.imported).toEqual({ events: 2, backup: `${path}.v1-backup.json` });
    expect([...store.eventPages()].flat()).toEqual(legacy.map(({ idempotencyKey: _, ...e }) => e));
    expect(store.findKey('a'.repeat(64))).toMatchObject({ fingerprint: null, eventId: 'e1', status: 202 });
    expect(store.seriesSummary()).toEqual([{ series: 'a', count: 2, mean: 3, min: 1, max: 5, last: 5 }]);
    await store.close();
    expect(JSON.parse(await readFile(`${path}.v1-backup.json`, 'utf8')).events).toHaveLength(2);
    // The second start opens the database; nothing is imported again.
    const again = await StateStore.open({ path });
    expect(again.imported).toBeUndefined();
    expect(again.eventCount).toBe(2);
    await again.close();
  });

  it('imports the old default state.json beside a new database once, then renames it', async () => {
    await writeFile(join(dir, 'state.json'), v1(legacy));
    const store = await StateStore.open({ path: join(dir, 'state.db'), importFrom: join(dir, 'state.json') });
    expect(store.eventCount).toBe(2);
    await store.close();
    expect((await readdir(dir)).sort()).toEqual(['state.db', 'state.json.v1-backup.json']);
  });

  it('refuses a corrupt state.json and leaves it untouched', async () => {
    const path = join(dir, 'state.json');
    await writeFile(path, '{"format":"harden-state","version":1,"updat');
    await expect(StateStore.open({ path })).rejects.toMatchObject({ code: 'STATE_INVALID' });
    expect(await readFile(path, 'utf8')).toBe('{"format":"harden-state","version":1,"updat');
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { WorkerWriter } from '../server/store/writer-thread.js';
import { call } from './helpers/http.js';
import { startTestServer } from './helpers/server.js';

const post = (url: string, body: unknown, key?: string) =>
  call(`${url}/v1/webhooks/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });

const exported = async (url: string) =>
  (await call(`${url}/v1/export`)).text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; value: number });

/** The problem body of a request whose event was not stored durably. */
const UNSTORED = {
  type: 'https://harden-check.dev/problems/service-unavailable',
  status: 503,
  detail: 'The event could not be stored durably; retry later.',
};

/** Waits (bounded) until the server's writer holds `n` unanswered groups. */
async function untilOutstanding(writer: WorkerWriter, n: number): Promise<void> {
  for (let i = 0; i < 2000 && writer.outstanding < n; i++) await new Promise((r) => setTimeout(r, 5));
  expect(writer.outstanding).toBe(n);
}

describe('store write failures over HTTP', () => {
  it('a writer thread that dies mid-commit answers 503 with a problem body and a log line, never 202', async () => {
    const server = await startTestServer({ logToFile: true });
    try {
      expect((await post(server.url, { type: 'w', value: 1 })).status).toBe(202);
      const writer = server.store.writer as WorkerWriter;
      // Another connection holds the write lock, so the next commit is certainly in progress.
      const blocker = new Database(join(server.dir, 'state.db'));
      blocker.exec('BEGIN IMMEDIATE');
      const inFlight = post(server.url, { type: 'w', value: 2 }, '"w-2"');
      await untilOutstanding(writer, 1);
      const ended = writer.thread!.terminate();
      blocker.exec('COMMIT');
      blocker.close();
      await ended;
      const res = await inFlight;
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json()).toMatchObject(UNSTORED);
      expect((await call(`${server.url}/readyz`)).status).toBe(503);
      expect((await call(`${server.url}/metrics`)).text).toMatch(/^harden_state_writer_exits_total 1$/m);
      // The retry with the same key is stored (by a new writer) exactly once, and readiness returns.
      const retry = await post(server.url, { type: 'w', value: 2 }, '"w-2"');
      expect(retry.status).toBe(202);
      expect((await post(server.url, { type: 'w', value: 2 }, '"w-2"')).headers['idempotent-replayed']).toBe(
        'true',
      );
      expect((await call(`${server.url}/readyz`)).status).toBe(200);
      expect((await exported(server.url)).map((e) => e.value)).toEqual([1, 2]);
    } finally {
      await server.stop({ keep: true });
    }
    const log = await readFile(server.logFile, 'utf8');
    expect(log).toMatch(/"level":"error".*"code":"STATE_WRITER_EXITED".*state writer thread exited/);
  });

  it('a commit SQLite refuses answers 503 with a problem body and logs its code', async () => {
    const server = await startTestServer({ logToFile: true });
    try {
      server.store.db.exec(
        "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.type = 'bad' BEGIN SELECT RAISE(ABORT, 'refused'); END",
      );
      const [bad, good] = await Promise.all([
        post(server.url, { type: 'bad', value: 1 }),
        post(server.url, { type: 'fine', value: 2 }),
      ]);
      expect(bad.status).toBe(503);
      expect(bad.json()).toMatchObject(UNSTORED);
      // Whether or not it shared the failed transaction, an event answered 202 is stored.
      const stored = await exported(server.url);
      if (good.status === 202) expect(stored.map((e) => e.type)).toEqual(['fine']);
      else expect(stored).toEqual([]);
      expect((await call(`${server.url}/metrics`)).text).toMatch(/^harden_state_write_failures_total [12]$/m);
    } finally {
      await server.stop({ keep: true });
    }
    const log = await readFile(server.logFile, 'utf8');
    expect(log).toMatch(/"level":"error".*"code":"SQLITE_CONSTRAINT_TRIGGER".*state commit failed/);
  });
});

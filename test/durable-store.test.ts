import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { call } from './helpers/http.js';
import { startTestServer } from './helpers/server.js';

const post = (url: string, value: number) =>
  call(`${url}/v1/webhooks/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'r', value }),
  });

const until = async (what: () => Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('retention', () => {
  it('deletes nothing by default, and says so in the log and on /metrics', async () => {
    const server = await startTestServer({ logToFile: true, sweepIntervalMs: 50 });
    try {
      for (let i = 0; i < 30; i++) expect((await post(server.url, i)).status).toBe(202);
      await new Promise((r) => setTimeout(r, 200));
      expect((await call(`${server.url}/v1/export`)).text.trim().split('\n')).toHaveLength(30);
      const metrics = (await call(`${server.url}/metrics`)).text;
      expect(metrics).not.toMatch(/^harden_state_retention_limit\{/m);
      expect(metrics).toMatch(/^harden_state_events 30$/m);
    } finally {
      await server.stop({ keep: true });
    }
    const log = await readFile(server.logFile, 'utf8');
    expect(log).toMatch(/"retention":"none: no event is ever deleted".*"msg":"state store open"/);
    expect(log).not.toMatch(/retention policy deleted events/);
  });

  it('an operator policy deletes the oldest events, logged at warn and counted on /metrics', async () => {
    const server = await startTestServer({
      logToFile: true,
      retention: { maxEvents: 10 },
      sweepIntervalMs: 100,
    });
    try {
      for (let i = 0; i < 25; i++) expect((await post(server.url, i)).status).toBe(202);
      await until(async () =>
        /^harden_state_events_pruned_total\{rule="max_events"\} 15$/m.test(
          (await call(`${server.url}/metrics`)).text,
        ),
      );
      const metrics = (await call(`${server.url}/metrics`)).text;
      expect(metrics).toMatch(/^harden_state_retention_limit\{rule="max_events"\} 10$/m);
      expect(metrics).toMatch(/^harden_state_events 10$/m);
      const values = (await call(`${server.url}/v1/export`)).text
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { value: number }).value);
      expect(values).toEqual(Array.from({ length: 10 }, (_, i) => 15 + i));
    } finally {
      await server.stop({ keep: true });
    }
    const lines = (await readFile(server.logFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const pruned = lines.filter((l) => l.msg === 'retention policy deleted events');
    expect(pruned.length).toBeGreaterThan(0);
    expect(pruned.every((l) => l.level === 'warn' && l.retention.maxEvents === 10)).toBe(true);
    expect(pruned.reduce((n, l) => n + l.prunedByCount, 0)).toBe(15);
  });
});

describe('GET /v1/export on a large store', () => {
  it('streams every row in order while writes continue, without holding the database', async () => {
    const server = await startTestServer();
    try {
      // Seed 20,000 rows straight through SQLite on a second connection, as an import would.
      const db = new Database(join(server.dir, 'state.db'));
      const insert = db.prepare(
        'INSERT INTO events (id, received_at, type, series, value) VALUES (?, ?, ?, ?, ?)',
      );
      const now = new Date().toISOString();
      db.transaction(() => {
        for (let i = 0; i < 20_000; i++) insert.run(`seed-${i}`, now, 'seed', 'default', i);
      })();
      db.close();
      const res = await request(`${server.url}/v1/export`);
      expect(res.statusCode).toBe(200);
      // With the export open and unread, an event is still acknowledged.
      await new Promise((r) => setTimeout(r, 100));
      expect((await post(server.url, -1)).status).toBe(202);
      const lines = (await res.body.text()).trim().split('\n');
      const values = lines.map((l) => (JSON.parse(l) as { value: number }).value);
      expect(values.slice(0, 20_000)).toEqual(Array.from({ length: 20_000 }, (_, i) => i));
      // The export ends at the newest event stored when it began.
      expect(values).toHaveLength(20_000);
    } finally {
      await server.stop();
    }
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StateStore } from '../server/store/state-store.js';
import { call, type Reply } from './helpers/http.js';
import { startTestRedis, type TestRedis } from './helpers/redis.js';
import { startTestServer } from './helpers/server.js';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const post = (server: { url: string }, body: unknown, key?: string): Promise<Reply> =>
  call(`${server.url}/v1/webhooks/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
    body: JSON.stringify(body),
  });

const exported = async (server: { url: string }) =>
  (await call(`${server.url}/v1/export`)).text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id: string; type: string; value: number });

/** Holds requests on their way to the store until release(): the first request stays in flight. */
function holdStore(store: StateStore) {
  const append = store.append.bind(store);
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let arrived!: () => void;
  const firstArrived = new Promise<void>((r) => {
    arrived = r;
  });
  store.append = async (...args) => {
    arrived();
    await gate;
    return append(...args);
  };
  return {
    firstArrived,
    release: () => {
      store.append = append;
      release();
    },
  };
}

const metric = async (server: { url: string }, outcome: string) =>
  Number(
    new RegExp(`harden_idempotency_requests_total\\{outcome="${outcome}"\\} (\\d+)`).exec(
      (await call(`${server.url}/metrics`)).text,
    )?.[1],
  );

describe('Idempotency-Key (draft-ietf-httpapi-idempotency-key-header), one instance', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('replays the first response as is, marked Idempotent-Replayed, and stores the event once', async () => {
    const first = await post(server, { type: 'order', value: 42 }, '"order-42-created"');
    expect(first.status).toBe(202);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // Unrelated events in between do not make the server forget the key.
    for (let i = 0; i < 30; i++) expect((await post(server, { type: 'noise', value: i })).status).toBe(202);
    // The sf-string and the bare form name the same key.
    for (const key of ['"order-42-created"', 'order-42-created']) {
      const again = await post(server, { type: 'order', value: 42 }, key);
      expect(again.status).toBe(202);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.headers['content-type']).toBe(first.headers['content-type']);
      expect(again.text).toBe(first.text);
      expect(again.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    }
    expect((await exported(server)).filter((e) => e.type === 'order')).toHaveLength(1);
    expect(await metric(server, 'replayed')).toBe(2);
  });

  it('answers 422 with a problem body when the key comes back with another payload', async () => {
    expect((await post(server, { type: 'pay', value: 1 }, 'pay-1')).status).toBe(202);
    const reused = await post(server, { type: 'pay', value: 2 }, 'pay-1');
    expect(reused.status).toBe(422);
    expect(reused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reused.json()).toMatchObject({ status: 422, detail: expect.stringMatching(/different request/) });
    expect((await exported(server)).filter((e) => e.type === 'pay').map((e) => e.value)).toEqual([1]);
  });

  it('answers 409 with Retry-After while the first request with the key is still being processed', async () => {
    const held = holdStore(server.store);
    const first = post(server, { type: 'slow', value: 1 }, 'slow-1');
    try {
      await held.firstArrived;
      const during = await post(server, { type: 'slow', value: 1 }, 'slow-1');
      expect(during.status).toBe(409);
      expect(during.headers['retry-after']).toMatch(/^\d+$/);
      expect(during.json()).toMatchObject({ status: 409 });
    } finally {
      held.release();
    }
    expect((await first).status).toBe(202);
    const after = await post(server, { type: 'slow', value: 1 }, 'slow-1');
    expect(after.status).toBe(202);
    expect(after.headers['idempotent-replayed']).toBe('true');
    expect(await metric(server, 'in_flight')).toBe(1);
  });

  it('refuses keys that are not one Structured Field String with 400', async () => {
    for (const key of ['', '"unterminated', '"a" "b"', 'a, b', '"bad \\x escape"', `"${'k'.repeat(256)}"`]) {
      const r = await post(server, { type: 'k', value: 1 }, key);
      expect(r.status, key).toBe(400);
      expect((r.json() as { detail: string }).detail, key).toMatch(/Idempotency-Key/);
    }
  });

  it('a request whose commit failed leaves its key free, so the retry is stored', async () => {
    const db = server.store.db;
    // Inside SQLite, the writer's insert fails and takes its transaction down, as a full disk would.
    db.exec(
      "CREATE TRIGGER refuse_full BEFORE INSERT ON events WHEN NEW.type = 'full' BEGIN SELECT RAISE(ABORT, 'no space'); END",
    );
    const big = { type: 'full', value: 1, data: { blob: 'x'.repeat(7000) } };
    const failed = await post(server, big, 'disk-full-1');
    expect(failed.status).toBe(503);
    db.exec('DROP TRIGGER refuse_full');
    const retry = await post(server, big, 'disk-full-1');
    expect(retry.status).toBe(202);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect((await exported(server)).filter((e) => e.type === 'full')).toHaveLength(1);
  });
});

describe('Idempotency-Key expiry', () => {
  it('after the configured time the key is forgotten and may name a new request', async () => {
    const server = await startTestServer({ idempotencyTtlMs: 1000, sweepIntervalMs: 200 });
    try {
      const t0 = Date.now();
      expect((await post(server, { type: 'exp', value: 1 }, 'exp-1')).status).toBe(202);
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + 1300 - Date.now())));
      const later = await post(server, { type: 'exp', value: 2 }, 'exp-1');
      expect(later.status).toBe(202);
      expect(later.headers['idempotent-replayed']).toBeUndefined();
      expect((await exported(server)).map((e) => e.value)).toEqual([1, 2]);
    } finally {
      await server.stop();
    }
  });
});

describe('Idempotency-Key across two instances sharing one Redis', () => {
  let redis: TestRedis;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    redis = await startTestRedis();
    const redisPrefix = `test-${randomBytes(4).toString('hex')}`;
    a = await startTestServer({ redisUrl: redis.url, redisPrefix });
    b = await startTestServer({ redisUrl: redis.url, redisPrefix });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await redis?.stop();
  });

  it('the same key sent to both at once is stored by exactly one; the other answers 409 or the replay', async () => {
    const rounds = 25;
    const replies = await Promise.all(
      Array.from({ length: rounds }, async (_, i) => {
        const body = { type: 'dual', value: i };
        return Promise.all([post(a, body, `dual-${i}`), post(b, body, `dual-${i}`)]);
      }),
    );
    const stored = [...(await exported(a)), ...(await exported(b))].filter((e) => e.type === 'dual');
    expect(stored.map((e) => e.value).sort((x, y) => x - y)).toEqual(
      Array.from({ length: rounds }, (_, i) => i),
    );
    for (const pair of replies) {
      const fresh = pair.filter((r) => r.status === 202 && r.headers['idempotent-replayed'] === undefined);
      expect(fresh).toHaveLength(1);
      const other = pair.find((r) => r !== fresh[0])!;
      if (other.status === 202) {
        expect(other.headers['idempotent-replayed']).toBe('true');
        expect(other.text).toBe(fresh[0]!.text);
      } else {
        expect(other.status).toBe(409);
        expect(other.headers['retry-after']).toMatch(/^\d+$/);
      }
    }
  });

  it('a retry at the other instance replays the first response, or gets 409 while the first is in flight', async () => {
    const held = holdStore(a.store);
    const first = post(a, { type: 'move', value: 1 }, 'move-1');
    try {
      await held.firstArrived;
      expect((await post(b, { type: 'move', value: 1 }, 'move-1')).status).toBe(409);
    } finally {
      held.release();
    }
    const original = await first;
    expect(original.status).toBe(202);
    const replay = await post(b, { type: 'move', value: 1 }, 'move-1');
    expect(replay.status).toBe(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.text).toBe(original.text);
    expect((await post(b, { type: 'move', value: 2 }, 'move-1')).status).toBe(422);
    expect((await exported(b)).filter((e) => e.type === 'move')).toEqual([]);
  });
});

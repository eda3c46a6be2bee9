import type { Db } from './database.js';
import type { StoredEvent } from './state-format.js';

/** The first response to a request with an Idempotency-Key, replayed as is for its retries. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One event to store, with its idempotency key row if the request had one. Plain data (structured
 * clone safe): it crosses from the HTTP thread to the writer thread as is.
 */
export interface WriteItem {
  event: StoredEvent;
  key?:
    | {
        /** SHA-256 of the client's key. */
        hash: string;
        /** SHA-256 of method, path and body of the first request. */
        fingerprint: string;
        /** Epoch ms after which the key is forgotten. */
        expiresAt: number;
        response: StoredResponse;
      }
    | undefined;
}

type Stats = { count: number; sum: number; min: number; max: number; last: number };

/**
 * Prepares the write statements on `db` and returns the group commit: every item of every group
 * given goes into ONE immediate transaction (events, their keys, the series statistics), committed
 * (with `synchronous=FULL`, fsynced) before it returns. Throws the SQLite error when the
 * transaction fails; then none of the items is stored.
 */
export function prepareGroupCommit(db: Db): (groups: ReadonlyArray<ReadonlyArray<WriteItem>>) => void {
  const insertEvent = db.prepare(
    'INSERT INTO events (id, received_at, type, series, value, occurred_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertKey = db.prepare(
    `INSERT OR REPLACE INTO idempotency_keys
       (key_hash, fingerprint, event_id, status, headers, body, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const upsertStats = db.prepare(
    `INSERT INTO series_stats (series, count, sum, min, max, last) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (series) DO UPDATE SET count = count + excluded.count, sum = sum + excluded.sum,
       min = min(min, excluded.min), max = max(max, excluded.max), last = excluded.last`,
  );
  const insertAll = db.transaction((groups: ReadonlyArray<ReadonlyArray<WriteItem>>) => {
    const stats = new Map<string, Stats>();
    const now = Date.now();
    for (const group of groups) {
      for (const { event: e, key } of group) {
        insertEvent.run(
          e.id,
          e.receivedAt,
          e.type,
          e.series,
          e.value,
          e.occurredAt ?? null,
          e.data === undefined ? null : JSON.stringify(e.data),
        );
        if (key) {
          const r = key.response;
          insertKey.run(
            key.hash,
            key.fingerprint,
            e.id,
            r.status,
            JSON.stringify(r.headers),
            r.body,
            now,
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
    }
    for (const [series, s] of stats) upsertStats.run(series, s.count, s.sum, s.min, s.max, s.last);
  });
  return (groups) => insertAll.immediate(groups);
}

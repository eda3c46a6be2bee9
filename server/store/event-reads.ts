import type { Db } from './database.js';
import type { KeyRecord } from './state-store.js';
import type { StoredEvent } from './state-format.js';

interface EventRow {
  seq: number;
  id: string;
  receivedAt: string;
  type: string;
  series: string;
  value: number;
  occurredAt: string | null;
  data: string | null;
}

export interface SeriesSummary {
  series: string;
  count: number;
  mean: number;
  min: number;
  max: number;
  last: number;
}

/**
 * The read side of the store, on the HTTP thread's own connection: in WAL mode each read sees
 * every transaction committed before it started (also those of the writer thread's connection),
 * and never waits for a commit in progress.
 */
export function prepareReads(db: Db) {
  const findKey = db.prepare(
    `SELECT fingerprint, event_id AS eventId, status, headers, body, expires_at AS expiresAt
       FROM idempotency_keys WHERE key_hash = ? AND expires_at > ?`,
  );
  const countEvents = db.prepare('SELECT sum(count) AS n FROM series_stats');
  const summary = db.prepare('SELECT series, count, sum, min, max, last FROM series_stats ORDER BY series');
  const seriesCount = db.prepare('SELECT count FROM series_stats WHERE series = ?');
  const recentValues = db.prepare('SELECT value FROM events WHERE series = ? ORDER BY seq DESC LIMIT ?');
  const maxSeq = db.prepare('SELECT max(seq) AS m FROM events');
  const page = db.prepare(
    `SELECT seq, id, received_at AS receivedAt, type, series, value, occurred_at AS occurredAt, data
       FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
  );
  return {
    /** Events stored now (from the maintained series statistics, not a scan). */
    countEvents: (): number => (countEvents.get() as { n: number | null }).n ?? 0,
    findKey(hash: string, now: number): KeyRecord | undefined {
      const row = findKey.get(hash, now) as (Omit<KeyRecord, 'headers'> & { headers: string }) | undefined;
      return row ? { ...row, headers: JSON.parse(row.headers) as Record<string, string> } : undefined;
    },
    seriesSummary: (): SeriesSummary[] =>
      (summary.all() as Array<Omit<SeriesSummary, 'mean'> & { sum: number }>).map(({ sum, ...s }) => ({
        ...s,
        mean: sum / s.count,
      })),
    seriesValues(series: string, limit: number): { count: number; values: number[] } {
      const stats = seriesCount.get(series) as { count: number } | undefined;
      const values = (recentValues.all(series, limit) as Array<{ value: number }>).map((r) => r.value);
      return { count: stats?.count ?? 0, values: values.reverse() };
    },
    maxSeq: (): number => (maxSeq.get() as { m: number | null }).m ?? 0,
    /** Up to `limit` events with `after` < seq ≤ `last`, oldest first; `after` for the next page. */
    page(after: number, last: number, limit: number): { events: StoredEvent[]; after: number } {
      const rows = page.all(after, last, limit) as EventRow[];
      return { events: rows.map(toEvent), after: rows.length ? rows[rows.length - 1]!.seq : after };
    },
  };
}

function toEvent(r: EventRow): StoredEvent {
  const e: StoredEvent = {
    id: r.id,
    receivedAt: r.receivedAt,
    type: r.type,
    series: r.series,
    value: r.value,
  };
  if (r.occurredAt !== null) e.occurredAt = r.occurredAt;
  if (r.data !== null) e.data = JSON.parse(r.data) as Record<string, unknown>;
  return e;
}

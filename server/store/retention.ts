import type { Db } from './database.js';

/**
 * What an operator allows the server to delete. Without a policy (the default) no event is ever
 * deleted. Both bounds may be set; an event goes when it is past either.
 */
export interface RetentionPolicy {
  /** Keep at most this many events, the newest ones. */
  maxEvents?: number | undefined;
  /** Keep events received within this many seconds. */
  maxAgeSeconds?: number | undefined;
}

export interface SweepResult {
  /** Idempotency keys past their expiry, removed. */
  expiredKeys: number;
  /** Events removed because more than `maxEvents` were stored. */
  prunedByCount: number;
  /** Events removed because they were received more than `maxAgeSeconds` ago. */
  prunedByAge: number;
}

/** Rows deleted per transaction: one sweep step never holds the event loop for long. */
const CHUNK = 5000;

/** Deletes up to CHUNK idempotency keys whose expiry passed; `more` when others remain. */
export function sweepExpiredKeys(db: Db, now: number): { removed: number; more: boolean } {
  const { changes } = db
    .prepare(
      'DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE expires_at <= ? LIMIT ?)',
    )
    .run(now, CHUNK);
  return { removed: changes, more: changes === CHUNK };
}

/**
 * Applies a retention policy to at most CHUNK events per rule: deletes the oldest events past it and
 * corrects `series_stats` in the same transaction. `stored` is the current event count; `more` when
 * events past the policy remain (the caller continues on the next event-loop turn).
 */
export function pruneEvents(
  db: Db,
  policy: RetentionPolicy | undefined,
  now: number,
  stored: number,
): { prunedByCount: number; prunedByAge: number; more: boolean } {
  let prunedByAge = 0;
  let prunedByCount = 0;
  let more = false;
  const nth = db.prepare('SELECT seq FROM events WHERE seq <= ? ORDER BY seq LIMIT 1 OFFSET ?');
  if (policy?.maxAgeSeconds !== undefined) {
    const cutoff = new Date(now - policy.maxAgeSeconds * 1000).toISOString();
    const lastOld = (
      db.prepare('SELECT max(seq) AS s FROM events WHERE received_at < ?').get(cutoff) as { s: number | null }
    ).s;
    if (lastOld !== null) {
      const bound = nth.get(lastOld, CHUNK - 1) as { seq: number } | undefined;
      const upTo = bound ? bound.seq : lastOld;
      prunedByAge = deleteThrough(db, upTo);
      more = upTo < lastOld;
    }
  }
  const excess = policy?.maxEvents === undefined ? 0 : stored - prunedByAge - policy.maxEvents;
  if (excess > 0) {
    const bound = nth.get(Number.MAX_SAFE_INTEGER, Math.min(excess, CHUNK) - 1) as
      | { seq: number }
      | undefined;
    if (bound) prunedByCount = deleteThrough(db, bound.seq);
    more ||= excess > CHUNK;
  }
  return { prunedByCount, prunedByAge, more };
}

/** Deletes every event with seq ≤ `upTo` in one transaction, with its series_stats correction. */
function deleteThrough(db: Db, upTo: number): number {
  const aggregate = db.prepare(
    `SELECT series, count(*) AS count, sum(value) AS sum, min(value) AS min, max(value) AS max
       FROM events WHERE seq <= ? GROUP BY series`,
  );
  const del = db.prepare('DELETE FROM events WHERE seq <= ?');
  const stats = db.prepare('SELECT count, min, max FROM series_stats WHERE series = ?');
  const decrement = db.prepare('UPDATE series_stats SET count = count - ?, sum = sum - ? WHERE series = ?');
  const drop = db.prepare('DELETE FROM series_stats WHERE series = ?');
  const recompute = db.prepare(
    `UPDATE series_stats SET (min, max) = (SELECT min(value), max(value) FROM events WHERE series = @series)
      WHERE series = @series`,
  );
  return db
    .transaction(() => {
      const removed = aggregate.all(upTo) as Array<{
        series: string;
        count: number;
        sum: number;
        min: number;
        max: number;
      }>;
      const { changes } = del.run(upTo);
      for (const r of removed) {
        const s = stats.get(r.series) as { count: number; min: number; max: number } | undefined;
        if (!s) continue;
        if (s.count <= r.count) drop.run(r.series);
        else {
          decrement.run(r.count, r.sum, r.series);
          // Only a removed extreme needs a look at the remaining rows of that series.
          if (r.min <= s.min || r.max >= s.max) recompute.run({ series: r.series });
        }
      }
      return changes;
    })
    .immediate();
}

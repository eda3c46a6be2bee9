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

/** Rows deleted per statement, so one sweep never holds the write lock for long. */
const CHUNK = 5000;

/** Deletes idempotency keys whose expiry passed; returns how many. */
export function sweepExpiredKeys(db: Db, now: number): number {
  const del = db.prepare(
    'DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE expires_at <= ? LIMIT ?)',
  );
  let total = 0;
  for (;;) {
    const { changes } = del.run(now, CHUNK);
    total += changes;
    if (changes < CHUNK) return total;
  }
}

/** Applies a retention policy: deletes events past it, oldest first, and corrects `series_stats`. */
export function pruneEvents(
  db: Db,
  policy: RetentionPolicy | undefined,
  now: number,
): { prunedByCount: number; prunedByAge: number } {
  let prunedByAge = 0;
  let prunedByCount = 0;
  if (policy?.maxAgeSeconds !== undefined) {
    const cutoff = new Date(now - policy.maxAgeSeconds * 1000).toISOString();
    const lastOld = db.prepare('SELECT max(seq) AS s FROM events WHERE received_at < ?').get(cutoff) as {
      s: number | null;
    };
    if (lastOld.s !== null) prunedByAge = deleteThrough(db, lastOld.s);
  }
  if (policy?.maxEvents !== undefined) {
    const row = db
      .prepare('SELECT seq AS s FROM events ORDER BY seq DESC LIMIT 1 OFFSET ?')
      .get(policy.maxEvents) as { s: number } | undefined;
    if (row) prunedByCount = deleteThrough(db, row.s);
  }
  return { prunedByCount, prunedByAge };
}

/** Deletes every event with seq ≤ `lastSeq` in chunks, each chunk with its series_stats correction. */
function deleteThrough(db: Db, lastSeq: number): number {
  const bounds = db.prepare('SELECT seq FROM events WHERE seq <= ? ORDER BY seq LIMIT 1 OFFSET ?');
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
  let total = 0;
  const chunk = db.transaction((upTo: number) => {
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
  });
  for (;;) {
    const next = bounds.get(lastSeq, CHUNK - 1) as { seq: number } | undefined;
    const upTo = next?.seq ?? lastSeq;
    total += chunk.immediate(upTo);
    if (!next || upTo === lastSeq) return total;
  }
}

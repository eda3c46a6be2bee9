import { HardenError } from '../errors.js';
import type { ExecutionRecord } from '../load/execution.js';
import { shardRequestCount } from '../load/shard.js';
import type { Report } from '../types.js';

/** Stable JSON: keys sorted, so two plans compare equal whatever order they were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** What one report planned to send, and sent: its stop record, else its whole share of the plan. */
function sentAndPlanned(r: Report): { sent: number; planned: number } {
  const x = r.execution;
  const stop = x?.interrupted ?? x?.aborted;
  if (stop) return { sent: stop.sent, planned: stop.planned };
  const planned = x?.plan ? shardRequestCount(x.plan.requests, x.shard) : (r.latency?.requests ?? 0);
  return { sent: planned, planned };
}

/** Interruptions of several machines as one: the latest stop, requests summed over every report. */
function mergeStops(reports: readonly Report[]): Pick<ExecutionRecord, 'interrupted' | 'aborted'> {
  const out: Pick<ExecutionRecord, 'interrupted' | 'aborted'> = {};
  const interrupted = reports.map((r) => r.execution?.interrupted).filter((x) => x !== undefined);
  const aborted = reports.map((r) => r.execution?.aborted).filter((x) => x !== undefined);
  if (interrupted.length === 0 && aborted.length === 0) return out;
  const counts = reports.map(sentAndPlanned);
  const totals = {
    atMs: Math.max(0, ...[...interrupted, ...aborted].map((s) => s.atMs)),
    sent: counts.reduce((a, c) => a + c.sent, 0),
    planned: counts.reduce((a, c) => a + c.planned, 0),
  };
  if (interrupted.length > 0) out.interrupted = { ...interrupted[0]!, ...totals };
  else out.aborted = { ...aborted[0]!, ...totals };
  return out;
}

/**
 * Checks that sharded reports are the complete, complementary shards of one run — same plan,
 * same target, every index 1..N exactly once — and returns the merged `execution` section.
 * Unsharded reports (independent machines) merge as before. Throws SHARDS_INCOMPLETE or
 * SHARDS_MISMATCH (exit 2) naming what is wrong.
 */
export function mergeExecution(
  reports: readonly Report[],
  names?: readonly string[],
): ExecutionRecord | undefined {
  const name = (i: number) => names?.[i] ?? `report ${i + 1}`;
  const records = reports.map((r) => r.execution ?? {});
  const sharded = records.map((r, i) => ({ r, i })).filter(({ r }) => r.shard !== undefined);
  if (sharded.length === 0) {
    const stops = mergeStops(reports);
    return Object.keys(stops).length > 0 ? stops : undefined;
  }
  if (sharded.length < reports.length) {
    const plain = records.findIndex((r) => r.shard === undefined);
    throw new HardenError(
      'SHARDS_MISMATCH',
      `${name(plain)} is not a shard, but ${name(sharded[0]!.i)} is: merge the shards of one run together`,
    );
  }
  const first = records[0]!;
  const total = first.shard!.total;
  for (let i = 1; i < reports.length; i++) {
    const r = records[i]!;
    if (r.shard!.total !== total)
      throw new HardenError(
        'SHARDS_MISMATCH',
        `${name(i)} is shard ${r.shard!.index}/${r.shard!.total}, ${name(0)} is of ${total}`,
      );
    if (reports[i]!.target !== reports[0]!.target)
      throw new HardenError(
        'SHARDS_MISMATCH',
        `${name(i)} targets ${reports[i]!.target}, ${name(0)} ${reports[0]!.target}`,
      );
    if (canonical(reports[i]!.slo) !== canonical(reports[0]!.slo))
      throw new HardenError(
        'SHARDS_MISMATCH',
        `${name(i)} was judged against other SLO targets than ${name(0)}; give every shard the same targets`,
      );
    if (canonical(r.plan) !== canonical(first.plan))
      throw new HardenError(
        'SHARDS_MISMATCH',
        `${name(i)} ran another load plan than ${name(0)} (${canonical(r.plan)} vs ${canonical(first.plan)}); every shard needs the same --rate, --duration, endpoints and --start-at`,
      );
  }
  const seen = new Map<number, number>();
  for (const [i, r] of records.entries()) {
    const index = r.shard!.index;
    if (seen.has(index))
      throw new HardenError(
        'SHARDS_MISMATCH',
        `shard ${index}/${total} appears twice (${name(seen.get(index)!)} and ${name(i)})`,
      );
    seen.set(index, i);
  }
  const missing = Array.from({ length: total }, (_, k) => k + 1).filter((k) => !seen.has(k));
  if (missing.length > 0)
    throw new HardenError(
      'SHARDS_INCOMPLETE',
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${total}`).join(', ')} missing: got ${[
        ...seen.keys(),
      ]
        .sort((a, b) => a - b)
        .map((k) => `${k}/${total}`)
        .join(', ')}`,
    );
  const late = Math.max(0, ...records.map((r) => r.startedLateMs ?? 0));
  return {
    ...(first.plan ? { plan: first.plan } : {}),
    shards: {
      total,
      indexes: [...seen.keys()].sort((a, b) => a - b),
      probesOn: records.filter((r) => r.shard!.probes).map((r) => r.shard!.index),
    },
    ...(late > 0 ? { startedLateMs: late } : {}),
    ...mergeStops(reports),
  };
}

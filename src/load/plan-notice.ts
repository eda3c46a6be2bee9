import type { SampleNeed } from '../engine/sample-needs.js';
import { shardRequestCount } from './shard.js';

/** The requests a plan must send so every enabled slo verdict can be conclusive (the largest need). */
export function requestsForConclusive(needs: readonly SampleNeed[]): number {
  return Math.max(0, ...needs.map((n) => n.requests));
}

/**
 * The one stderr line said before the load phase sends anything: what will be sent, which verdicts
 * the plan can and cannot make conclusive, and how to change that. With a shard (`--shard I/N`), it
 * says what this shard sends (its share of the schedule, at its share of the rate) beside the whole
 * plan; conclusiveness is then that of the merged shards (`harden-check merge`).
 */
export function describeLoadPlan(p: {
  requests: number;
  rate: number | undefined;
  endpoints: number;
  needs: readonly SampleNeed[];
  cappedBy?: string | undefined;
  shard?: { index: number; total: number } | undefined;
}): string {
  const n = (k: number) => `${k} request${k === 1 ? '' : 's'}`;
  const seconds = p.rate ? Math.ceil(p.requests / p.rate) : undefined;
  const to = `to ${p.endpoints} endpoint${p.endpoints === 1 ? '' : 's'}`;
  let sent: string;
  if (p.shard && p.shard.total > 1) {
    const mine = shardRequestCount(p.requests, p.shard);
    const pace = p.rate
      ? ` at ${round(p.rate / p.shard.total)} of its ${p.rate} req/s (about ${seconds} s)`
      : '';
    sent = `load: shard ${p.shard.index}/${p.shard.total} sends ${mine} of the plan's ${n(p.requests)}${pace} ${to}`;
  } else {
    const pace = p.rate ? ` at ${p.rate} req/s (about ${seconds} s)` : '';
    sent = `load: ${n(p.requests)}${pace} ${to}`;
  }
  const merged = p.shard && p.shard.total > 1 ? ' once the shards are merged' : '';
  const can = p.needs.filter((x) => x.requests <= p.requests).map((x) => x.verdict);
  const cannot = p.needs
    .filter((x) => x.requests > p.requests)
    .map((x) => `${x.verdict} (needs ${x.requests})`);
  const parts = [sent];
  if (can.length) parts.push(`can be conclusive${merged}: ${can.join(', ')}`);
  if (cannot.length) {
    parts.push(`can only be inconclusive or fail${merged}: ${cannot.join(', ')}`);
    parts.push(
      p.cappedBy
        ? `limited by ${p.cappedBy}; give a bypass or override key with --load-header (or --no-polite) for a conclusive run`
        : 'raise --duration or --rate for a conclusive run',
    );
  }
  return parts.join('; ');
}

const round = (x: number) => Math.round(x * 1000) / 1000;

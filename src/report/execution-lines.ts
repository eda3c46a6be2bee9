import { plannedPhrase } from '../load/execution.js';
import type { Report } from '../types.js';

const sec = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** How the run was executed (shards, late start, interruption, early abort, watch), one line each. */
export function executionLines(report: Report): string[] {
  const x = report.execution;
  if (!x) return [];
  const out: string[] = [];
  const p = x.plan;
  if (x.shard)
    out.push(
      `shard ${x.shard.index}/${x.shard.total} (${x.shard.source === 'flag' ? '--shard' : `${x.shard.source} environment`}); probe checks ${x.shard.probes ? 'ran on this shard' : 'run on shard 1 only'}`,
    );
  if (x.shards)
    out.push(
      `merged shards ${x.shards.indexes.join(', ')} of ${x.shards.total}; probe checks from shard ${x.shards.probesOn.join(', ') || 'none'}`,
    );
  if (p && (x.shard || x.shards))
    out.push(
      `plan of the whole run: ${p.model === 'open' ? `${p.rate} req/s for ${p.durationSec} s, ${p.requests} requests` : `${p.connections} connections`} over ${p.targets.map((t) => t.endpoint).join(', ')}${p.startAt ? `, starting ${p.startAt}` : ''}`,
    );
  if (x.startedLateMs) out.push(`the load phase started ${sec(x.startedLateMs)} after --start-at`);
  if (x.interrupted)
    out.push(
      x.interrupted.phase === 'load'
        ? `interrupted (${x.interrupted.signal}) after ${sec(x.interrupted.atMs)} of load: ${plannedPhrase(x.interrupted, p?.durationSec)} sent; slo passes are inconclusive`
        : `interrupted (${x.interrupted.signal}) during the probe phase: no load was sent; slo checks are inconclusive`,
    );
  if (x.aborted)
    out.push(
      `load phase aborted after ${sec(x.aborted.atMs)} (--abort-on-fail): ${x.aborted.check} failed — ${x.aborted.reason}; ${plannedPhrase(x.aborted, p?.durationSec)} sent`,
    );
  if (x.watch)
    out.push(
      `watch: ${x.watch.windows} windows of ${x.watch.windowSec} s at ${Math.round(x.watch.ratePerEndpoint * 1000) / 1000} req/s per endpoint; burn-rate windows at 1/${Math.round(x.watch.timeScale * 100) / 100} of the SRE workbook's; ${x.watch.alerts.length ? `alerts fired: ${[...new Set(x.watch.alerts.map((a) => `${a.severity} ${a.slo}`))].join(', ')}` : 'no burn-rate alert fired'}`,
    );
  return out;
}

import type { LatencyEvidence } from '../checks/define.js';
import { endpointLabel, joinPath } from '../config/endpoint.js';
import type { RunOptions } from '../config/options.js';
import { requestTarget } from '../http/request-target.js';
import { classifyTransportError } from '../probe/classify-error.js';
import { Pool } from '../probe/undici-dispatchers.js';
import { abortOnFailure } from './abort.js';
import { type ExecutionRecord, type PlanRecord, signalName } from './execution.js';
import { type LoadPlan, LoadRunner, type LoadTarget } from './run-load.js';
import { shardRequestCount, waitUntil } from './shard.js';
import type { LoadStats } from './stats.js';
import { evidenceFromSummary, summarizeLoad } from './summarize.js';
import { advertisedBudget, parseRateLimit, primary } from '../checks/ratelimit/parse.js';
import type { SampleNeed } from '../engine/sample-needs.js';
import { budgetResetSec } from './budget-reset.js';
import { describeLoadPlan, requestsForConclusive } from './plan-notice.js';

/** Share of an advertised budget the polite plan leaves unspent for the target's other clients. */
export const POLITE_RESERVE = 0.1;

interface Budget {
  limit?: number | undefined;
  remaining: number | undefined;
  policy: string;
  resetSec?: number | undefined;
  /** Window length (s), when advertised. */
  windowSec?: number | undefined;
  /** The budget could not be read: why (a transport error's plain sentence). */
  unread?: string;
}

/** One request per load target with the load headers: which budget applies to *these* requests? */
export async function readBudgets(
  origin: string,
  targets: LoadTarget[],
  headers: Record<string, string>,
  options: RunOptions,
): Promise<Map<string, Budget>> {
  const pool = new Pool(origin, {
    connections: 1,
    connect: { timeout: options.timeoutMs, rejectUnauthorized: !options.insecure },
  });
  const out = new Map<string, Budget>();
  try {
    for (const t of targets) {
      try {
        const res = await pool.request({
          method: t.method as 'GET',
          // The request-target the load client sends (percent-encoded, on the origin).
          path: requestTarget(origin, t.path),
          headers,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        await res.body.dump().catch(() => undefined);
        const h = res.headers as Record<string, string | string[]>;
        const { limit, remaining, policy } = advertisedBudget(h);
        out.set(t.label, {
          limit,
          remaining,
          policy,
          resetSec: budgetResetSec(res.statusCode, h),
          windowSec: primary(parseRateLimit(h))?.windowSec,
        });
      } catch (err) {
        out.set(t.label, {
          remaining: undefined,
          policy: 'none',
          unread: classifyTransportError(err, options.timeoutMs).message,
        });
      }
    }
  } finally {
    await pool.close().catch(() => undefined);
  }
  return out;
}

/** Largest request count whose weighted share fits every advertised budget (minus the reserve). */
export function politeRequestCap(
  targets: LoadTarget[],
  budgets: Map<string, Budget>,
): { cap: number; limiting?: string } {
  const totalWeight = targets.reduce((a, t) => a + t.weight, 0);
  const byPolicy = new Map<string, { share: number; remaining: number; label: string }>();
  for (const t of targets) {
    const b = budgets.get(t.label);
    if (b?.remaining === undefined) continue;
    const cur = byPolicy.get(b.policy);
    const share = t.weight / totalWeight;
    if (cur) cur.share += share;
    else byPolicy.set(b.policy, { share, remaining: b.remaining, label: t.label });
  }
  let cap = Number.POSITIVE_INFINITY;
  let limiting: string | undefined;
  for (const [policy, { share, remaining, label }] of byPolicy) {
    const usable = Math.max(0, Math.floor(remaining * (1 - POLITE_RESERVE)) - 1);
    const n = Math.floor(usable / share);
    if (n < cap) {
      cap = n;
      const reset = budgets.get(label)?.resetSec;
      limiting = `the rate-limit budget of ${label} (${policy}, Remaining ${remaining}${reset !== undefined ? `, resets in ${reset} s` : ''})`;
    }
  }
  return limiting ? { cap, limiting } : { cap };
}

/** The endpoints a load phase sends to: safe methods, health endpoints only when nothing else is. */
export function chooseLoadTargets(options: RunOptions): LoadTarget[] {
  const target = new URL(options.target);
  const healthPaths = new Set([options.health.liveness, options.health.readiness]);
  let chosen = options.endpoints.filter(
    (e) => (e.method === 'GET' || e.method === 'HEAD') && !healthPaths.has(e.path.split('?', 1)[0]!),
  );
  if (chosen.length === 0)
    chosen = options.endpoints.filter((e) => e.method === 'GET' || e.method === 'HEAD');
  return chosen.map((e) => ({
    label: endpointLabel(e),
    method: e.method,
    path: joinPath(target, e.path),
    weight: e.weight ?? 1,
  }));
}

/** Headers of load requests: every-request headers plus the load-only ones (e.g. a bypass key). */
export function loadHeaders(options: RunOptions): Record<string, string> {
  return { 'user-agent': 'harden-check (load)', ...options.headers, ...options.loadHeaders };
}

export interface LoadPhaseResult {
  evidence: LatencyEvidence;
  /** Plan, late start, interruption and early abort, for the report's `execution` section. */
  execution: Pick<ExecutionRecord, 'plan' | 'startedLateMs' | 'interrupted' | 'aborted'>;
}

/** Why the load phase sent nothing (a spent budget, no GET endpoint): the slo checks say so. */
export interface LoadNotRun {
  notRun: string;
}

/**
 * The load phase: plans a request budget (polite by default: within the advertised rate limits the
 * load requests themselves see), runs the open or closed model, and summarizes the histograms.
 */
export async function runLoadPhase(
  options: RunOptions,
  emitter?: (runner: LoadRunner) => void,
  needs: readonly SampleNeed[] = [],
): Promise<LoadPhaseResult | LoadNotRun> {
  if (options.signal?.aborted) return { notRun: 'the run was interrupted before the load phase' };
  const target = new URL(options.target);
  const targets = chooseLoadTargets(options);
  if (targets.length === 0)
    return {
      notRun: 'no GET endpoint to measure (the load phase sends only safe requests); add one with --endpoint',
    };
  const headers = loadHeaders(options);
  const closed = options.load.connections !== undefined;
  // Sized by the sample rule when no --duration/--requests was given: enough for every enabled verdict.
  const sized = options.load.autoSize && !closed && needs.length > 0;
  let requests = closed
    ? (options.load.requests ?? Number.MAX_SAFE_INTEGER)
    : sized
      ? requestsForConclusive(needs)
      : Math.max(1, Math.round(options.load.rate * options.load.durationSec));
  const declared = requests;
  const shard = options.shard;
  let politeNote: string | undefined;
  let cappedBy: string | undefined;
  if (options.load.polite) {
    const budgets = await readBudgets(target.origin, targets, headers, options);
    const unread = [...budgets.entries()].filter(([, b]) => b.unread !== undefined);
    if (unread.length > 0)
      options.onNotice?.(
        `load: could not read the rate-limit budget of ${unread.map(([l, b]) => `${l} (${b.unread})`).join('; ')}; the load is not capped by it`,
      );
    if (
      Object.keys(options.loadHeaders).length > 0 &&
      [...budgets.values()].some((b) => b.remaining !== undefined)
    )
      options.onNotice?.(
        `load: the --load-header key was not honoured as a bypass: responses to requests with it still carry rate-limit headers (${[
          ...budgets.entries(),
        ]
          .filter(([, b]) => b.remaining !== undefined)
          .map(([l, b]) => `${l} Limit ${b.limit ?? '?'}, Remaining ${b.remaining}`)
          .join('; ')}); the load stays within that budget (--no-polite ignores it)`,
      );
    const { cap, limiting } = politeRequestCap(targets, budgets);
    // A shard's own requests must fit its budget: every shard then sends its part of the first cap × N.
    if (cap < shardRequestCount(requests, shard)) {
      requests = Math.max(cap, 0) * (shard?.total ?? 1);
      cappedBy = limiting;
      politeNote = `polite mode kept the load to ${requests} requests${shard && shard.total > 1 ? ` (all shards; this one sends ${shardRequestCount(requests, shard)})` : ''} within ${limiting}; give a bypass or override key with --load-header, or --no-polite, for a conclusive run`;
    }
  }
  if (requests <= 0) {
    const notRun = `${cappedBy ?? 'the rate-limit budget'} leaves no request for the load phase; run again after the reset, or give a bypass or override key with --load-header`;
    options.onNotice?.(`load: nothing will be sent: ${notRun}`);
    return { notRun };
  }
  options.onNotice?.(
    closed
      ? `load: closed model, ${options.load.connections} connections for up to ${options.load.durationSec} s${requests < Number.MAX_SAFE_INTEGER ? `, at most ${requests} requests` : ''} to ${targets.length} endpoint${targets.length === 1 ? '' : 's'}`
      : describeLoadPlan({
          requests,
          rate: options.load.rate,
          endpoints: targets.length,
          needs,
          cappedBy,
          shard,
        }),
  );
  const durationSec = sized ? requests / options.load.rate : options.load.durationSec;
  const record: PlanRecord = {
    model: closed ? 'closed' : 'open',
    ...(closed ? { connections: options.load.connections } : { rate: options.load.rate }),
    requests: declared === Number.MAX_SAFE_INTEGER ? 0 : declared,
    durationSec: sized ? declared / options.load.rate : options.load.durationSec,
    targets: targets.map((t) => ({ endpoint: t.label, weight: t.weight })),
    ...(options.startAtMs !== undefined ? { startAt: new Date(options.startAtMs).toISOString() } : {}),
  };
  const plan: LoadPlan = {
    origin: target.origin,
    targets,
    headers,
    model: closed ? 'closed' : 'open',
    rate: options.load.rate,
    requests,
    connections: options.load.connections ?? 1,
    durationMs: durationSec * 1000,
    timeoutMs: options.timeoutMs,
    insecure: options.insecure,
    intervalMs: options.load.intervalSec * 1000,
    ...(shard ? { segment: { index: shard.index, total: shard.total } } : {}),
  };
  const execution: LoadPhaseResult['execution'] = { plan: record };
  if (options.startAtMs !== undefined) {
    await waitUntil(options.startAtMs, options.signal);
    const late = Date.now() - options.startAtMs;
    // Timer wake-up jitter is not lateness; a shard that missed the start by more is named.
    if (late > 1000) {
      execution.startedLateMs = late;
      options.onNotice?.(`load: started ${(late / 1000).toFixed(1)} s after --start-at`);
    }
  }
  if (options.signal?.aborted) return { notRun: 'the run was interrupted before the load phase' };
  const runner = new LoadRunner(plan);
  const planned = shardRequestCount(requests, shard);
  const decision = options.load.abortOnFail
    ? abortOnFailure(runner, options.slo, options.endpointSlo, planned)
    : undefined;
  const interrupt = () => runner.stop({ kind: 'interrupted' });
  options.signal?.addEventListener('abort', interrupt, { once: true });
  emitter?.(runner);
  let stats: LoadStats;
  try {
    stats = await runner.run();
  } finally {
    options.signal?.removeEventListener('abort', interrupt);
  }
  const stopped = runner.stopped;
  const aborted = decision?.();
  if (stopped?.kind === 'interrupted')
    execution.interrupted = {
      signal: signalName(options.signal),
      phase: 'load',
      atMs: stopped.atMs,
      sent: stopped.sent,
      planned,
    };
  else if (stopped?.kind === 'aborted' && aborted)
    execution.aborted = { ...aborted, atMs: stopped.atMs, sent: stopped.sent, planned };
  const summary = summarizeLoad(stats, politeNote);
  return { evidence: evidenceFromSummary(summary), execution };
}

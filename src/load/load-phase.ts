import { Pool } from 'undici';
import type { LatencyEvidence } from '../checks/define.js';
import { endpointLabel } from '../config/endpoint.js';
import type { RunOptions } from '../config/options.js';
import { joinPath } from '../probe/run-probe.js';
import { type LoadPlan, LoadRunner, type LoadTarget } from './run-load.js';
import { evidenceFromSummary, summarizeLoad } from './summarize.js';
import { advertisedBudget } from '../checks/ratelimit/parse.js';
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
}

/** One request per load target with the load headers: which budget applies to *these* requests? */
async function readBudgets(
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
          path: t.path,
          headers,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        await res.body.dump().catch(() => undefined);
        const h = res.headers as Record<string, string | string[]>;
        const { limit, remaining, policy } = advertisedBudget(h);
        out.set(t.label, { limit, remaining, policy, resetSec: budgetResetSec(res.statusCode, h) });
      } catch {
        out.set(t.label, { remaining: undefined, policy: 'none' });
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

export interface LoadPhaseResult {
  evidence: LatencyEvidence;
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
  const target = new URL(options.target);
  const healthPaths = new Set([options.health.liveness, options.health.readiness]);
  let chosen = options.endpoints.filter(
    (e) => (e.method === 'GET' || e.method === 'HEAD') && !healthPaths.has(e.path.split('?', 1)[0]!),
  );
  if (chosen.length === 0)
    chosen = options.endpoints.filter((e) => e.method === 'GET' || e.method === 'HEAD');
  if (chosen.length === 0)
    return {
      notRun: 'no GET endpoint to measure (the load phase sends only safe requests); add one with --endpoint',
    };
  const targets: LoadTarget[] = chosen.map((e) => ({
    label: endpointLabel(e),
    method: e.method,
    path: joinPath(target, e.path),
    weight: e.weight ?? 1,
  }));
  const headers = { 'user-agent': 'harden-check (load)', ...options.headers, ...options.loadHeaders };
  const closed = options.load.connections !== undefined;
  // Sized by the sample rule when no --duration/--requests was given: enough for every enabled verdict.
  const sized = options.load.autoSize && !closed && needs.length > 0;
  let requests = closed
    ? (options.load.requests ?? Number.MAX_SAFE_INTEGER)
    : sized
      ? requestsForConclusive(needs)
      : Math.max(1, Math.round(options.load.rate * options.load.durationSec));
  let politeNote: string | undefined;
  let cappedBy: string | undefined;
  if (options.load.polite) {
    const budgets = await readBudgets(target.origin, targets, headers, options);
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
    if (cap < requests) {
      requests = Math.max(cap, 0);
      cappedBy = limiting;
      politeNote = `polite mode kept the load to ${requests} requests within ${limiting}; give a bypass or override key with --load-header, or --no-polite, for a conclusive run`;
    }
  }
  if (requests <= 0) {
    const notRun = `${cappedBy ?? 'the rate-limit budget'} leaves no request for the load phase; run again after the reset, or give a bypass or override key with --load-header`;
    options.onNotice?.(`load: nothing will be sent: ${notRun}`);
    return { notRun };
  }
  options.onNotice?.(
    closed
      ? `load: closed model, ${options.load.connections} connections for up to ${options.load.durationSec} s${requests < Number.MAX_SAFE_INTEGER ? `, at most ${requests} requests` : ''} to ${targets.length} endpoint(s)`
      : describeLoadPlan({ requests, rate: options.load.rate, endpoints: targets.length, needs, cappedBy }),
  );
  const plan: LoadPlan = {
    origin: target.origin,
    targets,
    headers,
    model: closed ? 'closed' : 'open',
    rate: options.load.rate,
    requests,
    connections: options.load.connections ?? 1,
    durationMs: (sized ? requests / options.load.rate : options.load.durationSec) * 1000,
    timeoutMs: options.timeoutMs,
    insecure: options.insecure,
    intervalMs: options.load.intervalSec * 1000,
  };
  const runner = new LoadRunner(plan);
  emitter?.(runner);
  const stats = await runner.run();
  const summary = summarizeLoad(stats, politeNote);
  return { evidence: evidenceFromSummary(summary) };
}

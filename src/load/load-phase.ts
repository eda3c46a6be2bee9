import { Pool } from 'undici';
import type { LatencyEvidence } from '../checks/define.js';
import { endpointLabel } from '../config/endpoint.js';
import type { RunOptions } from '../config/options.js';
import { joinPath } from '../probe/run-probe.js';
import { type LoadPlan, LoadRunner, type LoadTarget } from './run-load.js';
import { evidenceFromSummary, summarizeLoad } from './summarize.js';
import { advertisedBudget } from '../checks/ratelimit/parse.js';

/** Share of an advertised budget the polite plan leaves unspent for the target's other clients. */
export const POLITE_RESERVE = 0.1;

interface Budget {
  remaining: number | undefined;
  policy: string;
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
        const { remaining, policy } = advertisedBudget(res.headers as Record<string, string | string[]>);
        out.set(t.label, { remaining, policy });
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
      limiting = `${label} (${policy}, Remaining ${remaining})`;
    }
  }
  return limiting ? { cap, limiting } : { cap };
}

export interface LoadPhaseResult {
  evidence: LatencyEvidence;
}

/**
 * The load phase: plans a request budget (polite by default: within the advertised rate limits the
 * load requests themselves see), runs the open or closed model, and summarizes the histograms.
 */
export async function runLoadPhase(
  options: RunOptions,
  emitter?: (runner: LoadRunner) => void,
): Promise<LoadPhaseResult | undefined> {
  const target = new URL(options.target);
  const healthPaths = new Set([options.health.liveness, options.health.readiness]);
  let chosen = options.endpoints.filter(
    (e) => (e.method === 'GET' || e.method === 'HEAD') && !healthPaths.has(e.path.split('?', 1)[0]!),
  );
  if (chosen.length === 0)
    chosen = options.endpoints.filter((e) => e.method === 'GET' || e.method === 'HEAD');
  if (chosen.length === 0) return undefined;
  const targets: LoadTarget[] = chosen.map((e) => ({
    label: endpointLabel(e),
    method: e.method,
    path: joinPath(target, e.path),
    weight: e.weight ?? 1,
  }));
  const headers = { 'user-agent': 'harden-check (load)', ...options.headers, ...options.loadHeaders };
  const closed = options.load.connections !== undefined;
  let requests = closed
    ? (options.load.requests ?? Number.MAX_SAFE_INTEGER)
    : Math.max(1, Math.round(options.load.rate * options.load.durationSec));
  let politeNote: string | undefined;
  if (options.load.polite) {
    const budgets = await readBudgets(target.origin, targets, headers, options);
    const { cap, limiting } = politeRequestCap(targets, budgets);
    if (cap < requests) {
      requests = Math.max(cap, 0);
      politeNote = `polite mode kept the load to ${requests} requests within the advertised rate limits (limited by ${limiting}); give a bypass or override key with --load-header, or --no-polite, for a conclusive run`;
      options.onNotice?.(`load: ${politeNote}`);
    }
  }
  if (requests <= 0) return undefined;
  const plan: LoadPlan = {
    origin: target.origin,
    targets,
    headers,
    model: closed ? 'closed' : 'open',
    rate: options.load.rate,
    requests,
    connections: options.load.connections ?? 1,
    durationMs: options.load.durationSec * 1000,
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

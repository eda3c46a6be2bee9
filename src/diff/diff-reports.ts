import { plannedPhrase } from '../load/execution.js';
import { decodeIntervalHistogram } from '../load/intervals.js';
import type { CheckResult, Report, Status } from '../types.js';
import { VERSION } from '../version.js';
import { empiricalCdf, quantileDifferenceInterval, quantileRank, valueAtRank } from './quantile-bootstrap.js';
import { GATE_PERCENTILES, type GatePercentile, type Threshold } from './thresholds.js';

/** A check whose status changed between the runs, with the endpoints it changed on. */
export interface CheckChange {
  id: string;
  status: Status;
  endpoints: string[];
  message: string;
}

export type LatencyVerdict = 'regression' | 'improvement' | 'within noise' | 'insufficient data';

/** One percentile of one scope (the whole run, or one endpoint) compared. */
export interface LatencyComparison {
  /** `all` or an endpoint label. */
  scope: string;
  percentile: GatePercentile;
  oldMs: number;
  newMs: number;
  oldCount: number;
  newCount: number;
  /** (new − old) / old × 100; null when old is 0. */
  changePct: number | null;
  /** Bootstrap interval of new − old, ms; absent with insufficient data. */
  intervalMs?: { low: number; high: number };
  threshold: string;
  verdict: LatencyVerdict;
  /** Why it is not a regression, or what makes it one. */
  reason: string;
}

/** The comparison of two runs (schema/diff.schema.json). */
export interface ReportDiff {
  schemaVersion: 1;
  tool: 'harden-check';
  version: string;
  verdict: 'regression' | 'ok' | 'incomparable';
  old: { target: string; startedAt: string; rulesVersion: string };
  new: { target: string; startedAt: string; rulesVersion: string };
  /** What makes the two runs incomparable (different target, endpoints or rule set). */
  incomparable: string[];
  checks: { newlyFailing: CheckChange[]; newlyWarning: CheckChange[]; fixed: CheckChange[] };
  latency: LatencyComparison[];
  method: { name: string; resamples: number; confidence: number; seed: number };
  /** The baseline's corrected latency histogram (compressed base64), so a report can draw both curves. */
  oldHistogram?: string;
}

export interface DiffOptions {
  thresholds: Partial<Record<GatePercentile, Threshold>>;
  resamples?: number;
  confidence?: number;
  seed?: number;
}

const key = (c: CheckResult) => `${c.id}\u0000${c.endpoint ?? ''}`;

function endpointsOf(r: Report): Set<string> {
  const out = new Set<string>();
  for (const c of r.checks) if (c.endpoint) out.add(c.endpoint);
  for (const e of Object.keys((r.latency?.endpoints ?? {}) as object)) out.add(e);
  return out;
}

/**
 * Why a run measured only part of its plan: one shard of a sharded run (merge the shards first)
 * or an interrupted run. A run ended by --abort-on-fail stays comparable: its failed SLO is the
 * result, and shows as a newly failing check.
 */
function partial(who: string, r: Report): string[] {
  const x = r.execution;
  const out: string[] = [];
  if (x?.shard)
    out.push(
      `${who} is shard ${x.shard.index}/${x.shard.total} of a sharded run: merge its shards (harden-check merge) and compare the merged report`,
    );
  if (x?.interrupted)
    out.push(
      `${who} was interrupted (${x.interrupted.signal}) after ${plannedPhrase(x.interrupted, x.plan?.durationSec)}`,
    );
  return out;
}

/** Why one run cannot be compared at all: it could not judge its target, or measured part of its plan. */
export function notComparable(who: string, r: Report): string[] {
  // A run that could not judge its target (verdict `error`) has no results to compare.
  return [
    ...(r.verdict === 'error'
      ? [`${who} could not judge its target (${r.error?.message ?? 'verdict error'})`]
      : []),
    ...partial(who, r),
  ];
}

function incomparable(a: Report, b: Report): string[] {
  const out = [...notComparable('the old run', a), ...notComparable('the new run', b)];
  if (a.target !== b.target) out.push(`different targets: ${a.target} and ${b.target}`);
  if (a.rulesVersion !== b.rulesVersion)
    out.push(`different rule sets: ${a.rulesVersion} and ${b.rulesVersion}`);
  const ea = endpointsOf(a);
  const eb = endpointsOf(b);
  const onlyOld = [...ea].filter((e) => !eb.has(e));
  const onlyNew = [...eb].filter((e) => !ea.has(e));
  if (onlyOld.length) out.push(`endpoints only in the old run: ${onlyOld.join(', ')}`);
  if (onlyNew.length) out.push(`endpoints only in the new run: ${onlyNew.join(', ')}`);
  return out;
}

function groupChanges(results: CheckResult[]): CheckChange[] {
  const byId = new Map<string, CheckChange>();
  for (const c of results) {
    const g = byId.get(c.id) ?? { id: c.id, status: c.status, endpoints: [], message: c.message };
    if (c.endpoint && !g.endpoints.includes(c.endpoint)) g.endpoints.push(c.endpoint);
    byId.set(c.id, g);
  }
  return [...byId.values()];
}

/** Checks that newly fail, newly warn, or were flagged and now pass, grouped by check id. */
export function diffChecks(old: Report, current: Report): ReportDiff['checks'] {
  const before = new Map(old.checks.map((c) => [key(c), c.status]));
  const newlyFailing = current.checks.filter((c) => c.status === 'fail' && before.get(key(c)) !== 'fail');
  const newlyWarning = current.checks.filter(
    (c) => c.status === 'warn' && !['fail', 'warn'].includes(before.get(key(c)) ?? 'pass'),
  );
  const fixed = current.checks.filter((c) => {
    const was = before.get(key(c));
    return c.status === 'pass' && (was === 'fail' || was === 'warn');
  });
  // A check that was flagged and did not run this time is not "fixed": only a pass counts.
  return {
    newlyFailing: groupChanges(newlyFailing),
    newlyWarning: groupChanges(newlyWarning),
    fixed: groupChanges(fixed),
  };
}

/** Histograms of a report by scope: `all` and each endpoint. */
function histograms(r: Report): Map<string, string> {
  const out = new Map<string, string>();
  if (!r.latency) return out;
  out.set('all', r.latency.histogram);
  const eps = (r.latency.endpoints ?? {}) as Record<string, { histogram?: string }>;
  for (const [label, ep] of Object.entries(eps)) if (ep.histogram) out.set(label, ep.histogram);
  return out;
}

function compareScope(
  scope: string,
  oldB64: string,
  newB64: string,
  options: Required<DiffOptions>,
): LatencyComparison[] {
  const oldCdf = empiricalCdf(decodeIntervalHistogram(oldB64));
  const newCdf = empiricalCdf(decodeIntervalHistogram(newB64));
  const out: LatencyComparison[] = [];
  for (const [name, threshold] of Object.entries(options.thresholds) as Array<[GatePercentile, Threshold]>) {
    const q = GATE_PERCENTILES[name];
    const ms = (cdf: typeof oldCdf) => (cdf.n === 0 ? 0 : valueAtRank(cdf, quantileRank(q, cdf.n)) / 1000);
    const oldMs = ms(oldCdf);
    const newMs = ms(newCdf);
    const changePct = oldMs > 0 ? Math.round(((newMs - oldMs) / oldMs) * 1000) / 10 : null;
    const base = {
      scope,
      percentile: name,
      oldMs,
      newMs,
      oldCount: oldCdf.n,
      newCount: newCdf.n,
      changePct,
      threshold: threshold.kind === 'percent' ? `${threshold.value}%` : `${threshold.value} ms`,
    };
    // As for the SLO verdicts: a quantile needs 10 / (1 − q) samples before its tail means anything.
    const needed = Math.ceil(10 / (1 - q));
    if (oldCdf.n < needed || newCdf.n < needed) {
      out.push({
        ...base,
        verdict: 'insufficient data',
        reason: `${name} needs at least ${needed} requests in each run (old ${oldCdf.n}, new ${newCdf.n})`,
      });
      continue;
    }
    const seed = options.seed + out.length * 7919 + scope.length;
    const ci = quantileDifferenceInterval(oldCdf, newCdf, q, { ...options, seed });
    const intervalMs = { low: ci.low / 1000, high: ci.high / 1000 };
    const limit = threshold.kind === 'percent' ? (oldMs * threshold.value) / 100 : threshold.value;
    const delta = newMs - oldMs;
    let verdict: LatencyVerdict = 'within noise';
    let reason: string;
    if (delta > limit && intervalMs.low > 0) {
      verdict = 'regression';
      reason = `grew more than ${base.threshold} and beyond sampling noise`;
    } else if (-delta > limit && intervalMs.high < 0) {
      verdict = 'improvement';
      reason = `fell more than ${base.threshold} and beyond sampling noise`;
    } else if (Math.abs(delta) > limit) {
      reason = `changed more than ${base.threshold}, but the ${Math.round(options.confidence * 100)}% interval of the difference includes 0`;
    } else reason = `changed less than ${base.threshold}`;
    out.push({ ...base, intervalMs, verdict, reason });
  }
  return out;
}

/**
 * Compares two runs: checks that newly fail or warn and checks fixed (by id and endpoint), and
 * latency per percentile for the whole run and per endpoint. A latency change is a regression only
 * when it exceeds its threshold *and* the bootstrap interval of the difference excludes 0
 * (docs/diff.md). Incomparable runs (target, endpoints, rule set) are named and not judged.
 */
export function diffReports(old: Report, current: Report, options: DiffOptions): ReportDiff {
  const opts: Required<DiffOptions> = { resamples: 2000, confidence: 0.95, seed: 1, ...options };
  const reasons = incomparable(old, current);
  const checks = diffChecks(old, current);
  const latency: LatencyComparison[] = [];
  if (reasons.length === 0) {
    const a = histograms(old);
    const b = histograms(current);
    for (const [scope, h] of a) {
      const other = b.get(scope);
      if (other) latency.push(...compareScope(scope, h, other, opts));
    }
  }
  const regressed = checks.newlyFailing.length > 0 || latency.some((l) => l.verdict === 'regression');
  const side = (r: Report) => ({ target: r.target, startedAt: r.startedAt, rulesVersion: r.rulesVersion });
  return {
    schemaVersion: 1,
    tool: 'harden-check',
    version: VERSION,
    verdict: reasons.length > 0 ? 'incomparable' : regressed ? 'regression' : 'ok',
    old: side(old),
    new: side(current),
    incomparable: reasons,
    checks,
    latency,
    method: {
      name: 'percentile bootstrap of the quantile difference from the two HDR histograms (Efron & Tibshirani 1993)',
      resamples: opts.resamples,
      confidence: opts.confidence,
      seed: opts.seed,
    },
    ...(old.latency ? { oldHistogram: old.latency.histogram } : {}),
  };
}

import type { SloTargets } from '../types.js';
import type { CheckContext, CheckDef, Finding } from './define.js';

const SOURCE = 'docs/contract.md §4 (SLOs, sample rule); wrk2 coordinated-omission correction; k6 thresholds';
const FIX =
  '- Find the slow path first: compare the client and server (X-Latency-MS) percentiles in the report — a gap means queueing before the handler (event-loop stalls, connection limits, a proxy).\n' +
  '- Node.js: look for synchronous work on the event loop (JSON of large bodies, crypto, sync fs), raise pool sizes of databases and HTTP agents, cache expensive reads.';

/** Minimum samples for a pass (docs/contract.md): 10 / (1 − q) for a quantile; 1 / r for a rate r. */
export function samplesForQuantile(q: number): number {
  return Math.ceil(10 / (1 - q) - 1e-9);
}
export function samplesForRate(r: number): number {
  return Math.ceil(1 / r - 1e-9);
}

function targetsFor(ctx: CheckContext, endpoint: string | undefined): SloTargets {
  return endpoint ? { ...ctx.slo, ...ctx.endpointSlo[endpoint] } : ctx.slo;
}

/** The overall verdict plus one per endpoint that has its own targets in the config. */
function scopes(ctx: CheckContext): Array<string | undefined> {
  return [undefined, ...Object.keys(ctx.endpointSlo).filter((e) => ctx.latency?.endpoints.includes(e))];
}

/** No load evidence: inconclusive with the reason when the run wanted a load phase, skip for --duration 0. */
function noLoad(ctx: CheckContext): Finding[] {
  if (ctx.loadNotRun) return [{ status: 'warn', messageId: 'notRun', data: { reason: ctx.loadNotRun } }];
  return [{ status: 'skip', messageId: 'noLoad' }];
}

const NO_LOAD = 'no load phase ran (--duration 0)';
const NOT_RUN = 'inconclusive: {reason}';

function quantileCheck(id: string, q: number, key: 'p95Ms' | 'p99Ms', label: string): CheckDef {
  const need = samplesForQuantile(q);
  return {
    id,
    category: 'slo',
    severity: 'error',
    title: `Client-observed ${label} below target`,
    rule: `${label} of client-observed latency, measured from each request’s scheduled send time (no coordinated omission), is below the target (default ${key === 'p95Ms' ? 100 : 500} ms). A pass needs ${need} requests; more than ${Math.round((1 - q) * 1000) / 10} % of requests over the target fails at any count; a client that fell behind its schedule makes the verdict a warning.`,
    why: 'Tail latency is what users feel; averages and closed-loop tools hide stalls.',
    fix: FIX,
    source: SOURCE,
    needs: ['load'],
    messages: {
      ok: `{scope}${label} {value} ms < {target} ms over {count} requests`,
      fail: `{scope}${label} {value} ms ≥ {target} ms over {count} requests`,
      failEarly: `{scope}{share} % of {count} requests took over {target} ms, more than ${Math.round((1 - q) * 1000) / 10} %: ${label} is above target whatever more requests would show`,
      few: `{scope}inconclusive: {count} requests, a ${label} pass needs ${need} ({label} so far {value} ms){why}`,
      lag: `{scope}inconclusive: the client fell up to {lag} ms behind its schedule, so latency may be understated or overstated ({label} {value} ms); lower --rate or use a bigger machine`,
      noLoad: NO_LOAD,
      notRun: NOT_RUN,
    },
    evaluate(ctx) {
      const lat = ctx.latency;
      if (!lat) return noLoad(ctx);
      return scopes(ctx).map((endpoint): Finding => {
        const target = targetsFor(ctx, endpoint)[key];
        const count = lat.count(endpoint);
        const value = Math.round(lat.quantileMs(q, endpoint) * 10) / 10;
        const share = lat.shareAbove(target, endpoint);
        const data = {
          scope: endpoint ? `${endpoint}: ` : '',
          value,
          target,
          count,
          label,
          share: Math.round(share * 1000) / 10,
          lag: Math.round(lat.clientLag.maxMs),
          why: lat.summary.politeNote ? `; ${lat.summary.politeNote}` : '',
        };
        const base = { ...(endpoint ? { endpoint } : {}), expected: `< ${target}`, actual: value, data };
        if (count === 0) return { ...base, status: 'warn', messageId: 'few' };
        if (share > 1 - q)
          return { ...base, status: 'fail', messageId: count >= need ? 'fail' : 'failEarly' };
        if (count < need) return { ...base, status: 'warn', messageId: 'few' };
        if (lat.clientLag.behind) return { ...base, status: 'warn', messageId: 'lag' };
        return {
          ...base,
          status: value < target ? 'pass' : 'fail',
          messageId: value < target ? 'ok' : 'fail',
        };
      });
    },
  };
}

export const p95 = quantileCheck('slo.latency.p95', 0.95, 'p95Ms', 'P95');
export const p99 = quantileCheck('slo.latency.p99', 0.99, 'p99Ms', 'P99');

export const errorRate: CheckDef = {
  id: 'slo.error-rate',
  category: 'slo',
  severity: 'error',
  title: 'Error rate below target',
  rule: '(5xx + transport errors) / (requests − 429s) is below the target (default 0.1 %). 429s are counted apart, never as errors. A pass needs 1 / target requests (1,000 for 0.1 %).',
  why: 'Errors burn the error budget; a spot check that sees any share above target has found a real problem.',
  fix: '- Read the status-code and transport-error counts in the report: timeouts and resets point at capacity, 5xx at the application.',
  source: SOURCE,
  needs: ['load'],
  messages: {
    ok: '{scope}error rate {rate} % < {target} % ({errors} of {count})',
    fail: '{scope}error rate {rate} % ≥ {target} % ({errors} of {count}: {kinds})',
    few: '{scope}inconclusive: {errors} errors in {count} requests; a {target} % pass needs {need} requests{why}',
    noLoad: NO_LOAD,
    notRun: NOT_RUN,
  },
  evaluate(ctx) {
    const lat = ctx.latency;
    if (!lat) return noLoad(ctx);
    return scopes(ctx).map((endpoint): Finding => {
      const target = targetsFor(ctx, endpoint).errorRate;
      const count = lat.count(endpoint);
      const errors = lat.errors(endpoint);
      const rate = count ? errors / count : 0;
      const need = samplesForRate(target);
      const kinds =
        Object.entries(lat.summary.transportErrors ?? {})
          .map(([k, v]) => `${k} ${v}`)
          .concat(
            Object.entries(lat.summary.statusCodes ?? {})
              .filter(([s]) => Number(s) >= 500)
              .map(([s, v]) => `${s}×${v}`),
          )
          .join(', ') || 'none';
      const data = {
        scope: endpoint ? `${endpoint}: ` : '',
        rate: Math.round(rate * 10000) / 100,
        target: target * 100,
        errors,
        count,
        need,
        kinds,
        why: lat.summary.politeNote ? `; ${lat.summary.politeNote}` : '',
      };
      const base = { ...(endpoint ? { endpoint } : {}), expected: `< ${target}`, actual: rate, data };
      if (count > 0 && rate >= target) return { ...base, status: 'fail', messageId: 'fail' };
      if (count < need) return { ...base, status: 'warn', messageId: 'few' };
      return { ...base, status: 'pass', messageId: 'ok' };
    });
  },
};

export const availability: CheckDef = {
  id: 'slo.availability',
  category: 'slo',
  severity: 'error',
  title: 'Availability at or above target',
  rule: 'Successful responses (2xx and 3xx) / (requests − 429s) is at or above the target (default 99.9 %): a 4xx answer is not available, a 429 is counted apart. A pass needs 1 / (1 − target) requests. Endpoints that answered their probe with 401/403/404/405 are not measured (contract.endpoint.reachable); with none left, the verdict is inconclusive.',
  why: 'Availability is the SLO users contract for; 99.9 % leaves 43.2 minutes of budget per 30 days.',
  fix: '- Failures during a spot check usually mean capacity (timeouts, resets) or crashes (5xx); see the error breakdown in the report.',
  source: SOURCE,
  needs: ['load'],
  messages: {
    ok: '{scope}availability {value} % ≥ {target} % ({ok} of {count}); spot check, not the 30-day SLO',
    fail: '{scope}availability {value} % < {target} % ({ok} of {count})',
    few: '{scope}inconclusive: {count} requests; a {target} % pass needs {need}{why}',
    noLoad: NO_LOAD,
    notRun: NOT_RUN,
  },
  evaluate(ctx) {
    const lat = ctx.latency;
    if (!lat) return noLoad(ctx);
    return scopes(ctx).map((endpoint): Finding => {
      const target = targetsFor(ctx, endpoint).availability;
      const count = lat.count(endpoint);
      const ok = lat.successes(endpoint);
      const value = count ? ok / count : 0;
      const need = samplesForRate(1 - target);
      const data = {
        scope: endpoint ? `${endpoint}: ` : '',
        value: Math.round(value * 100000) / 1000,
        target: Math.round(target * 100000) / 1000,
        ok,
        count,
        need,
        why: lat.summary.politeNote ? `; ${lat.summary.politeNote}` : '',
      };
      const base = { ...(endpoint ? { endpoint } : {}), expected: `>= ${target}`, actual: value, data };
      if (count > 0 && value < target) return { ...base, status: 'fail', messageId: 'fail' };
      if (count < need) return { ...base, status: 'warn', messageId: 'few' };
      return { ...base, status: 'pass', messageId: 'ok' };
    });
  },
};

export const SLO_CHECKS: readonly CheckDef[] = [p95, p99, errorRate, availability];

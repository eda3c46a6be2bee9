import type { Redis } from 'ioredis';
import type { Context } from '../context.js';
import { HttpError } from '../errors.js';
import { fitHolt } from '../forecast.js';
import type { ServerMetrics } from '../metrics.js';
import { POLICIES } from '../policies.js';
import { sendJson, sendRawJson, sendText } from '../send.js';
import { readJsonBody } from '../stages/body.js';
import type { StateStore } from '../store/state-store.js';
import { streamExport } from './export.js';
import { describeErrors, MAX_HORIZON, validateForecast, validateWebhookEvent } from './schemas.js';

/** What handlers may use; passed explicitly, never global. */
export interface HandlerDeps {
  store: StateStore;
  metrics: ServerMetrics;
  redis: Redis | undefined;
  version: string;
  bodyLimit: number;
  slo: { p95Ms: number; p99Ms: number; errorRate: number; availability: number };
}

export type Handler = (ctx: Context, deps: HandlerDeps) => void | Promise<void>;

const HEALTH = 'application/health+json';

export const healthz: Handler = (ctx) => {
  sendJson(ctx, 200, { status: 'pass' }, HEALTH);
};

async function pingRedis(redis: Redis): Promise<string | undefined> {
  const timeout = new Promise<string>((resolve) =>
    setTimeout(() => resolve('timed out after 500 ms'), 500).unref(),
  );
  const ping = redis.ping().then(
    (r) => (r === 'PONG' ? undefined : `unexpected reply ${r}`),
    () => 'unreachable',
  );
  return Promise.race([ping, timeout]);
}

/** Readiness reports each dependency (IETF draft-inadarei-api-health-check `checks` shape). */
export const readyz: Handler = async (ctx, deps) => {
  const checks: Record<string, { status: 'pass' | 'fail'; output?: string }> = {};
  const writeError = deps.store.lastWriteError;
  checks['state:store'] = !deps.store.isOpen()
    ? { status: 'fail', output: 'store is closed' }
    : writeError
      ? { status: 'fail', output: `last state write failed (${writeError})` }
      : { status: 'pass' };
  if (deps.redis) {
    const problem = await pingRedis(deps.redis);
    checks['redis:ping'] = problem ? { status: 'fail', output: problem } : { status: 'pass' };
  }
  const failed = Object.entries(checks).filter(([, c]) => c.status === 'fail');
  const status = failed.length === 0 ? 'pass' : 'fail';
  const body = {
    status,
    checks,
    ...(failed.length ? { output: `not ready: ${failed.map(([n]) => n).join(', ')}` } : {}),
  };
  sendJson(ctx, failed.length === 0 ? 200 : 503, body, HEALTH);
};

// /v1/info never changes while a server runs: serialize it once per set of deps.
const infoBodies = new WeakMap<HandlerDeps, string>();

export const info: Handler = (ctx, deps) => {
  let body = infoBodies.get(deps);
  if (body === undefined) {
    body = JSON.stringify({
      name: 'harden-server',
      version: deps.version,
      policies: Object.values(POLICIES).map((p) => ({
        name: p.name,
        limit: p.limit,
        windowSec: p.windowSec,
      })),
      slo: deps.slo,
      rateLimitStore: deps.redis ? 'redis' : 'memory',
    });
    infoBodies.set(deps, body);
  }
  sendRawJson(ctx, 200, body);
};

export const forecastSummary: Handler = (ctx, deps) => {
  const bySeries = new Map<string, { count: number; sum: number; min: number; max: number; last: number }>();
  for (const e of deps.store.events) {
    const s = bySeries.get(e.series);
    if (!s) bySeries.set(e.series, { count: 1, sum: e.value, min: e.value, max: e.value, last: e.value });
    else {
      s.count++;
      s.sum += e.value;
      s.min = Math.min(s.min, e.value);
      s.max = Math.max(s.max, e.value);
      s.last = e.value;
    }
  }
  const series = [...bySeries].map(([name, s]) => ({
    series: name,
    count: s.count,
    mean: s.sum / s.count,
    min: s.min,
    max: s.max,
    last: s.last,
  }));
  sendJson(ctx, 200, { events: deps.store.events.length, series });
};

export const postWebhookEvent: Handler = async (ctx, deps) => {
  const body = await readJsonBody(ctx.req, deps.bodyLimit);
  ctx.body = body;
  if (!validateWebhookEvent(body)) {
    throw new HttpError(
      400,
      'EVENT_INVALID',
      `The event does not match the schema: ${describeErrors(validateWebhookEvent.errors)}.`,
    );
  }
  if (body.data !== undefined && depthOf(body.data) > MAX_DATA_DEPTH) {
    throw new HttpError(
      400,
      'EVENT_TOO_DEEP',
      `The event's data nests deeper than ${MAX_DATA_DEPTH} levels.`,
    );
  }
  // Bounded events keep the state (retention × event size) and each group commit bounded.
  if (JSON.stringify(body).length > MAX_EVENT_BYTES) {
    throw new HttpError(
      413,
      'EVENT_TOO_LARGE',
      `An event may take at most ${MAX_EVENT_BYTES} bytes of JSON.`,
    );
  }
  const keyHeader = ctx.req.headers['idempotency-key'];
  const key = typeof keyHeader === 'string' && keyHeader.length > 0 ? keyHeader : undefined;
  if (key !== undefined && key.length > 255) {
    throw new HttpError(400, 'IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be at most 255 characters.');
  }
  const { event, duplicate } = await deps.store
    .append(
      {
        type: body.type,
        series: body.series ?? 'default',
        value: body.value,
        ...(body.occurredAt ? { occurredAt: body.occurredAt } : {}),
        ...(body.data ? { data: body.data } : {}),
      },
      key,
    )
    .catch(() => {
      // Not acknowledged, so nothing is lost: the client retries (safely, with an Idempotency-Key).
      throw new HttpError(503, 'STATE_WRITE_FAILED', 'The event could not be stored durably; retry later.', {
        headers: { 'retry-after': '5' },
      });
    });
  // 202 is sent only after the write above is on disk (fsync + rename + directory fsync).
  sendJson(ctx, 202, { accepted: true, id: event.id, duplicate, request_id: ctx.requestId });
};

/** Largest stored event (serialized); with the default retention of 10,000 the state stays under ~80 MB. */
const MAX_EVENT_BYTES = 8192;

/** Nesting limit of an event's `data`: deeper documents cannot be stored or logged safely. */
const MAX_DATA_DEPTH = 32;

/** Depth of a JSON value, computed iteratively (a hostile body must not exhaust the stack here). */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > MAX_DATA_DEPTH) return max;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

export const postForecast: Handler = async (ctx, deps) => {
  const body = await readJsonBody(ctx.req, deps.bodyLimit);
  ctx.body = body;
  if (!validateForecast(body)) {
    throw new HttpError(
      400,
      'FORECAST_INVALID',
      `The request does not match the schema: ${describeErrors(validateForecast.errors)}.`,
    );
  }
  const seriesName = body.series ?? 'default';
  const horizon = body.horizon ?? 10;
  const values = deps.store.events.filter((e) => e.series === seriesName).map((e) => e.value);
  if (values.length < 2) {
    throw new HttpError(
      422,
      'SERIES_TOO_SHORT',
      `Series "${seriesName}" has ${values.length} point(s); at least 2 are needed.`,
    );
  }
  const fit = fitHolt(values.slice(-5000), Math.min(horizon, MAX_HORIZON));
  sendJson(ctx, 200, {
    series: seriesName,
    method: 'holt-linear-trend',
    points: values.length,
    alpha: fit.alpha,
    beta: fit.beta,
    level: fit.level,
    trend: fit.trend,
    rmse: fit.rmse,
    forecast: fit.forecast,
  });
};

export const exportEvents: Handler = (ctx, deps) => streamExport(ctx, deps.store.events);

export const metrics: Handler = async (ctx, deps) => {
  const text = await deps.metrics.registry.metrics();
  sendText(ctx, 200, text, deps.metrics.registry.contentType);
};

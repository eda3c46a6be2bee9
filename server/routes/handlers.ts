import type { Redis } from 'ioredis';
import type { Context } from '../context.js';
import { HttpError } from '../errors.js';
import { fitHolt } from '../forecast.js';
import type { ServerMetrics } from '../metrics.js';
import { POLICIES } from '../policies.js';
import { sendJson, sendRawJson, sendText } from '../send.js';
import { readJsonBody } from '../stages/body.js';
import {
  appendIdempotently,
  type Idempotency,
  requestFingerprint,
} from '../idempotency/idempotent-append.js';
import { readIdempotencyKey } from '../idempotency/key-header.js';
import type { StateStore } from '../store/state-store.js';
import { streamExport } from './export.js';
import { describeErrors, MAX_HORIZON, validateForecast, validateWebhookEvent } from './schemas.js';

/** What handlers may use; passed explicitly, never global. */
export interface HandlerDeps {
  store: StateStore;
  idempotency: Idempotency;
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
  sendJson(ctx, 200, { events: deps.store.eventCount, series: deps.store.seriesSummary() });
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
  // Bounded events keep each row and each group commit bounded.
  if (JSON.stringify(body).length > MAX_EVENT_BYTES) {
    throw new HttpError(
      413,
      'EVENT_TOO_LARGE',
      `An event may take at most ${MAX_EVENT_BYTES} bytes of JSON.`,
    );
  }
  const key = readIdempotencyKey(ctx.req);
  const event = {
    type: body.type,
    series: body.series ?? 'default',
    value: body.value,
    ...(body.occurredAt ? { occurredAt: body.occurredAt } : {}),
    ...(body.data ? { data: body.data } : {}),
  };
  // 202 is sent only after the transaction holding the event committed (WAL fsynced).
  await appendIdempotently(
    ctx,
    deps.store,
    deps.idempotency,
    event,
    key === undefined
      ? undefined
      : { value: key, fingerprint: requestFingerprint(ctx.method, ctx.path, body) },
  );
};

/** Largest stored event (serialized JSON, bytes). */
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
  const { count, values } = deps.store.seriesValues(seriesName, FORECAST_WINDOW);
  if (count < 2) {
    throw new HttpError(
      422,
      'SERIES_TOO_SHORT',
      `Series "${seriesName}" has ${count} point(s); at least 2 are needed.`,
    );
  }
  const fit = fitHolt(values, Math.min(horizon, MAX_HORIZON));
  sendJson(ctx, 200, {
    series: seriesName,
    method: 'holt-linear-trend',
    points: count,
    alpha: fit.alpha,
    beta: fit.beta,
    level: fit.level,
    trend: fit.trend,
    rmse: fit.rmse,
    forecast: fit.forecast,
  });
};

/** The forecast fits the newest this many points of a series. */
const FORECAST_WINDOW = 5000;

export const exportEvents: Handler = (ctx, deps) => streamExport(ctx, deps.store.eventPages());

export const metrics: Handler = async (ctx, deps) => {
  const text = await deps.metrics.registry.metrics();
  sendText(ctx, 200, text, deps.metrics.registry.contentType);
};

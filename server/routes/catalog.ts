import { DEFAULT_BODY_LIMIT } from '../stages/body.js';
import { FORECAST_SCHEMA, WEBHOOK_EVENT_SCHEMA } from './schemas.js';

/** One status a route answers, and when. */
export interface StatusDoc {
  status: number;
  when: string;
  /** Response headers worth naming for this status. */
  headers?: readonly string[];
  /** Media type of an error status that is not `application/problem+json` (e.g. a failing readiness report). */
  produces?: string;
}

/** What docs/ops/api.md says about one method of one route (rendered by api-doc.ts). */
export interface OperationDoc {
  summary: string;
  /** Media type of a successful response. */
  produces: string;
  /** JSON Schema of the request body (validated with ajv in schemas.ts); absent when none is read. */
  body?: object;
  /** Request headers the operation reads besides the common ones. */
  requestHeaders?: readonly string[];
  /** Statuses of this operation; those every route shares are in PIPELINE_STATUSES. */
  statuses: readonly StatusDoc[];
}

const BAD_BODY: StatusDoc = {
  status: 400,
  when: 'the body is empty, not JSON, or does not match the schema',
};
const BODY_TOO_LARGE: StatusDoc = {
  status: 413,
  when: `the body is over \`--body-limit\` (default ${DEFAULT_BODY_LIMIT} bytes); answered before the body is read, with a lingering close`,
  headers: ['Connection: close'],
};
const NOT_JSON: StatusDoc = {
  status: 415,
  when: 'Content-Type is not application/json (or a +json type)',
  headers: ['Accept-Post'],
};

/**
 * Route documentation as data, keyed like ROUTES (path → method). A test fails when a route of
 * ROUTES is missing here (or the reverse) and when docs/ops/api.md is not the rendering of this table.
 */
export const ROUTE_DOCS: Readonly<Record<string, Readonly<Record<string, OperationDoc>>>> = {
  '/healthz': {
    GET: {
      summary: 'Liveness: the process serves requests.',
      produces: 'application/health+json',
      statuses: [{ status: 200, when: 'always, while the process runs (`{"status":"pass"}`)' }],
    },
  },
  '/readyz': {
    GET: {
      summary: 'Readiness: the state store and (with `--redis`) Redis work.',
      produces: 'application/health+json',
      statuses: [
        { status: 200, when: 'every check passes' },
        {
          status: 503,
          when: 'a check fails: `checks["state:store"]` (last write failed) or `checks["redis:ping"]` (Redis unreachable)',
          produces: 'application/health+json',
        },
      ],
    },
  },
  '/v1/info': {
    GET: {
      summary: 'Server name, version, rate-limit policies, SLO targets and rate-limit store.',
      produces: 'application/json',
      statuses: [{ status: 200, when: 'always' }],
    },
  },
  '/v1/forecast/summary': {
    GET: {
      summary: 'Count, mean, min, max and last value of each stored series.',
      produces: 'application/json',
      statuses: [{ status: 200, when: 'always' }],
    },
  },
  '/v1/webhooks/events': {
    POST: {
      summary:
        'Stores one event durably; answers only after its transaction committed. Idempotent by draft-ietf-httpapi-idempotency-key-header.',
      produces: 'application/json',
      body: WEBHOOK_EVENT_SCHEMA,
      requestHeaders: [
        'Idempotency-Key (optional; a Structured Field String such as "8e03978e-40d5", or the same as an unquoted token, at most 255 characters)',
      ],
      statuses: [
        { status: 202, when: 'the event is stored: `{accepted, id, request_id}`' },
        {
          status: 202,
          when: 'a retry of an Idempotency-Key with the same method, path and body (until the key expires, 24 h by default): the first response as is',
          headers: ['Idempotent-Replayed: true'],
        },
        BAD_BODY,
        {
          status: 400,
          when: '`data` nests deeper than 32 levels, or the Idempotency-Key is not one Structured Field String of at most 255 characters',
        },
        {
          status: 409,
          when: 'a request with the same Idempotency-Key is still being processed (on this or, with --redis, another instance)',
          headers: ['Retry-After: 1'],
        },
        BODY_TOO_LARGE,
        { status: 413, when: 'the event takes more than 8192 bytes of JSON' },
        NOT_JSON,
        { status: 422, when: 'the Idempotency-Key was already used with another method, path or body' },
        {
          status: 503,
          when: 'the event could not be committed (nothing stored, the key stays free; retry), or with --redis the key cannot be checked',
          headers: ['Retry-After: 5'],
        },
      ],
    },
  },
  '/v1/ai/forecast': {
    POST: {
      summary: "Forecasts a stored series with Holt's linear trend.",
      produces: 'application/json',
      body: FORECAST_SCHEMA,
      statuses: [
        { status: 200, when: 'the forecast' },
        BAD_BODY,
        BODY_TOO_LARGE,
        NOT_JSON,
        { status: 422, when: 'the series has fewer than 2 points' },
      ],
    },
  },
  '/v1/export': {
    GET: {
      summary: 'Streams the stored events as NDJSON, or CSV with `Accept: text/csv` or `?format=csv`.',
      produces: 'application/x-ndjson, text/csv',
      statuses: [{ status: 200, when: 'always (streamed)' }],
    },
  },
  '/openapi.json': {
    GET: {
      summary:
        'This API as an OpenAPI 3.1 document, generated from the same route catalog and ajv schemas as this page.',
      produces: 'application/json',
      statuses: [{ status: 200, when: 'always' }],
    },
  },
  '/metrics': {
    GET: {
      summary: 'Prometheus metrics (SLIs, dependency state, process).',
      produces: 'text/plain; version=0.0.4',
      statuses: [{ status: 200, when: 'always' }],
    },
  },
};

/** Statuses any route may answer, from the pipeline rather than the handler. */
export const PIPELINE_STATUSES: readonly (StatusDoc & { operational: boolean })[] = [
  { status: 204, when: 'OPTIONS on a known path', headers: ['Allow'], operational: true },
  { status: 400, when: 'the request is not valid HTTP', operational: true },
  { status: 404, when: 'no route at this path', operational: true },
  { status: 405, when: 'the method is not allowed here', headers: ['Allow'], operational: true },
  { status: 408, when: 'headers not received within 10 s, or the request within 30 s', operational: true },
  {
    status: 429,
    when: 'the rate-limit policy is spent',
    headers: ['Retry-After', 'RateLimit', 'RateLimit-Policy'],
    operational: false,
  },
  { status: 431, when: 'request headers over 16 KiB', operational: true },
  { status: 500, when: 'an internal error (quote `request_id`)', operational: true },
  {
    status: 503,
    when: 'with `--redis`: Redis is unreachable (answered within `--redis-timeout`, default 100 ms)',
    headers: ['Retry-After: 1'],
    operational: false,
  },
];

import { isExemptPath, POLICIES, policyFor } from '../policies.js';
import { type OperationDoc, PIPELINE_STATUSES, ROUTE_DOCS, type StatusDoc } from './catalog.js';

/**
 * The server's OpenAPI 3.1 document (served at GET /openapi.json), built from the same route
 * catalog and ajv schemas as docs/ops/api.md, so the two cannot drift apart.
 * https://spec.openapis.org/oas/v3.1.0
 */

type Json = Record<string, unknown>;

/** Pipeline statuses that concern the request rather than another path or method (404, 405, OPTIONS 204). */
const OPERATION_PIPELINE = PIPELINE_STATUSES.filter((s) => ![204, 404, 405].includes(s.status));

const ref = (kind: 'headers' | 'schemas' | 'responses', name: string) => ({
  $ref: `#/components/${kind}/${name}`,
});

const integerHeader = (description: string): Json => ({
  description,
  schema: { type: 'integer', minimum: 0 },
});
const stringHeader = (description: string): Json => ({ description, schema: { type: 'string' } });

/** Response header fields the contract names (docs/contract.md), as OAS Header Objects. */
const HEADERS: Record<string, Json> = {
  'X-Request-ID': {
    description:
      'RFC 9562 UUID of the request: a valid client-supplied one echoed, else a fresh one. On every response.',
    schema: { type: 'string', format: 'uuid' },
  },
  'X-Latency-MS': integerHeader('Whole milliseconds spent in the server. On every response.'),
  'X-RateLimit-Limit': integerHeader('Requests allowed per window by the policy that applies.'),
  'X-RateLimit-Remaining': integerHeader('Requests left in the current window.'),
  'X-RateLimit-Reset': integerHeader('When the current window ends, in epoch seconds.'),
  RateLimit: stringHeader(
    'draft-ietf-httpapi-ratelimit-headers: `"<policy>";r=<remaining>;t=<seconds to reset>`.',
  ),
  'RateLimit-Policy': stringHeader(
    'draft-ietf-httpapi-ratelimit-headers: `"<policy>";q=<limit>;w=<window seconds>`.',
  ),
  'Retry-After': integerHeader('Seconds to wait before retrying (RFC 9110 §10.2.3).'),
  Allow: stringHeader('Methods the path supports (RFC 9110 §10.2.1).'),
  'Accept-Post': stringHeader('Media types accepted by POST here (W3C LDP §7.1).'),
  'Idempotent-Replayed': stringHeader(
    '`true` when the response replays the first one for an Idempotency-Key.',
  ),
  Connection: stringHeader('`close`: the server closes the connection after the response.'),
};

const RATE_LIMIT_HEADERS = [
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'RateLimit',
  'RateLimit-Policy',
];

/** RFC 9457 problem details as the server emits them (server/problem.ts). */
const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'instance', 'request_id'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string' },
    request_id: { type: 'string' },
    'violated-policies': { type: 'array', items: { type: 'string' } },
  },
};

/** Header names of a StatusDoc (`Retry-After: 1` → `Retry-After`) that the components define. */
function namedHeaders(status: StatusDoc): string[] {
  return (status.headers ?? []).map((h) => h.split(':')[0]!.trim()).filter((h) => h in HEADERS);
}

/** A Media Type Object: problem details, or the operation's own JSON or text (NDJSON, CSV, Prometheus). */
function mediaType(type: string, problem: boolean): Json {
  if (problem) return { schema: ref('schemas', 'Problem') };
  const json = type === 'application/json' || type.endsWith('+json');
  return json ? { schema: { type: 'object' } } : { schema: { type: 'string' } };
}

function responseObject(statuses: readonly StatusDoc[], produces: string, limited: boolean): Json {
  const status = statuses[0]!.status;
  const headerNames = new Set(['X-Request-ID', 'X-Latency-MS', ...(limited ? RATE_LIMIT_HEADERS : [])]);
  for (const s of statuses) for (const h of namedHeaders(s)) headerNames.add(h);
  const headers = Object.fromEntries([...headerNames].map((h) => [h, ref('headers', h)]));
  const own = statuses.find((s) => s.produces)?.produces;
  const success = status < 400 || own !== undefined;
  const types = status < 400 ? produces.split(/,\s*/) : [own ?? 'application/problem+json'];
  const content = Object.fromEntries(types.map((t) => [t, mediaType(t, !success)]));
  return {
    description: statuses.map((s) => s.when).join('; or '),
    headers,
    ...(status === 204 ? {} : { content }),
  };
}

function operationObject(path: string, method: string, doc: OperationDoc): Json {
  const limited = !isExemptPath(path);
  const statuses = [...doc.statuses, ...OPERATION_PIPELINE.filter((s) => limited || s.operational)];
  const byStatus = new Map<number, StatusDoc[]>();
  for (const s of statuses) byStatus.set(s.status, [...(byStatus.get(s.status) ?? []), s]);
  const responses = Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, list]) => [String(status), responseObject(list, doc.produces, limited)]),
  );
  const policy = limited ? POLICIES[policyFor(method, path)] : undefined;
  return {
    operationId: `${method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c?: string) => (c ?? '').toUpperCase())}`,
    summary: doc.summary,
    ...(policy
      ? { 'x-rate-limit-policy': { name: policy.name, limit: policy.limit, windowSec: policy.windowSec } }
      : {}),
    ...(doc.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: doc.body } } } }
      : {}),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document of the routes in ROUTE_DOCS. `version` is the server's version.
 * HEAD (served wherever GET is) and OPTIONS (204 with Allow on every path) are described in
 * `info.description` rather than as operations of their own.
 */
export function buildOpenApiDocument(version: string): Json {
  const paths = Object.fromEntries(
    Object.entries(ROUTE_DOCS).map(([path, methods]) => [
      path,
      Object.fromEntries(
        Object.entries(methods).map(([method, doc]) => [
          method.toLowerCase(),
          operationObject(path, method, doc),
        ]),
      ),
    ]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'harden-server',
      version,
      description: [
        'Reference implementation of the harden-check hardened API contract (docs/contract.md).',
        'Every response carries X-Request-ID, X-Latency-MS and the security headers; errors are RFC 9457',
        'application/problem+json. HEAD is served wherever GET is; OPTIONS answers 204 with Allow on',
        'every path; another method answers 405 with Allow, an unknown path 404. Rate-limited',
        'operations name their policy in x-rate-limit-policy (per client IP, fixed window).',
      ].join(' '),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    // Relative to where the document is served, so it stays right behind a path-prefixing proxy.
    servers: [{ url: '.' }],
    paths,
    components: {
      schemas: { Problem: PROBLEM_SCHEMA },
      headers: HEADERS,
    },
  };
}

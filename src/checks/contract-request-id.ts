import type { CheckDef, Finding } from './define.js';
import {
  combinedValue,
  fieldLines,
  fieldNames,
  getDecodeSplit,
  isCanonicalUuid,
  sameUuidDigits,
  singletonField,
  uuidVersion,
} from '../http/fields/index.js';
import { byEndpoint, CLIENT_ID_PURPOSES, excerpt, responded, statusList } from './util.js';

type Responded = ReturnType<typeof responded>[number];

/** The X-Request-ID of a response (all lines joined), or undefined. */
const requestId = (e: Responded): string | undefined => combinedValue(e.response.headers, 'x-request-id');
/** How many X-Request-ID values a response carries: field lines and list members (a UUID has no comma). */
const idCount = (e: Responded): number => getDecodeSplit(e.response.headers, 'x-request-id')?.length ?? 0;

const SOURCE =
  'docs/contract.md §1; RFC 9562 §4 (grammar: the canonical 8-4-4-4-12 hex string form only); Heroku, Envoy, Rails and Fastify request-id conventions';
const FIX_MIDDLEWARE =
  '- Express: a first middleware that reads `req.get("x-request-id")`, keeps it only if it is a UUID, else `crypto.randomUUID()`, and sets `res.set("X-Request-ID", id)`.\n' +
  '- Fastify: `genReqId` plus an `onRequest` hook that calls `reply.header("x-request-id", request.id)` (Fastify does not echo ids by itself).\n' +
  '- nginx: `add_header X-Request-ID $request_id always;` and `proxy_set_header X-Request-ID $request_id;` (`always` covers error pages).';

export const requestIdPresent: CheckDef = {
  id: 'contract.request-id.present',
  category: 'contract',
  severity: 'error',
  title: 'X-Request-ID on every response',
  rule: 'Every response — 2xx, 3xx, 4xx (404, 405, 413, 429 included) and 5xx — carries exactly one X-Request-ID.',
  why: 'Without an id on error responses, the failures users report cannot be found in logs and traces.',
  fix: FIX_MIDDLEWARE,
  source: SOURCE,
  grammar: 'RFC 9110 §5.3/§5.6.1: field lines and list members of X-Request-ID (a UUID has no comma)',
  needs: ['endpoints', 'not-found', 'wrong-method', 'malformed-json'],
  messages: {
    ok: 'every response from {endpoint} carried one X-Request-ID ({count} checked)',
    missing:
      '{endpoint}: no X-Request-ID on {missing} of {count} responses (status {statuses}); set it in the first middleware so errors carry it too',
    repeated:
      '{endpoint}: X-Request-ID sent {times} times in one response; set it once (two layers both add it)',
  },
  evaluate(ctx) {
    const out: Finding[] = [];
    for (const [endpoint, es] of byEndpoint(responded(ctx.exchanges))) {
      const missing = es.filter((e) => idCount(e) === 0);
      const repeated = es.find((e) => idCount(e) > 1);
      if (missing.length > 0) {
        out.push({
          status: 'fail',
          messageId: 'missing',
          endpoint,
          data: { missing: missing.length, count: es.length, statuses: statusList(missing) },
          expected: 'X-Request-ID header',
          actual: 'absent',
        });
      } else if (repeated) {
        out.push({
          status: 'fail',
          messageId: 'repeated',
          endpoint,
          data: { times: idCount(repeated) },
          actual: requestId(repeated),
        });
      } else out.push({ status: 'pass', messageId: 'ok', endpoint, data: { count: es.length } });
    }
    return out;
  },
};

export const requestIdFormat: CheckDef = {
  id: 'contract.request-id.format',
  category: 'contract',
  severity: 'error',
  title: 'X-Request-ID is an RFC 9562 UUID',
  rule: 'When the client sends no id, the server-generated X-Request-ID is a canonical 8-4-4-4-12 hex UUID (any version: proxies such as Envoy rewrite the version nibble).',
  why: 'A fixed format lets log pipelines index and validate ids; free-form ids invite injection and collisions.',
  fix: '- Node.js: `crypto.randomUUID()`.\n- nginx: `$request_id` is 32 hex digits without dashes; format it or generate the id in the application.',
  source: SOURCE,
  grammar: 'RFC 9562 §4 canonical UUID string (8-4-4-4-12 hex digits, nothing else)',
  needs: ['endpoints'],
  messages: {
    ok: '{endpoint}: X-Request-ID values are UUIDs (version {versions})',
    bad: '{endpoint}: X-Request-ID "{value}" is not an RFC 9562 UUID (8-4-4-4-12 hex); generate ids with crypto.randomUUID()',
    none: 'no response to a request without a client id carried an X-Request-ID, so there is no id to judge (contract.request-id.present reports the missing header)',
  },
  evaluate(ctx) {
    const out: Finding[] = [];
    const own = responded(ctx.exchanges).filter((e) => !CLIENT_ID_PURPOSES.includes(e.purpose));
    for (const [endpoint, es] of byEndpoint(own)) {
      const ids = es.map(requestId).filter((v): v is string => v !== undefined);
      if (ids.length === 0) continue;
      const bad = ids.find((id) => !isCanonicalUuid(id));
      if (bad !== undefined) {
        out.push({
          status: 'fail',
          messageId: 'bad',
          endpoint,
          data: { value: excerpt(bad) },
          expected: 'UUID',
          actual: bad,
        });
      } else {
        const versions = [...new Set(ids.map(uuidVersion))].join('/');
        out.push({ status: 'pass', messageId: 'ok', endpoint, data: { versions } });
      }
    }
    return out.length > 0 ? out : [{ status: 'skip', messageId: 'none' }];
  },
};

export const requestIdUnique: CheckDef = {
  id: 'contract.request-id.unique',
  category: 'contract',
  severity: 'error',
  title: 'X-Request-ID is unique per request',
  rule: 'No two responses to requests without a client id share an X-Request-ID.',
  why: 'A repeated id merges unrelated requests in logs and traces, which defeats its purpose.',
  fix: '- Generate the id per request (not per process or per connection), e.g. `crypto.randomUUID()` inside the request handler.',
  source: SOURCE,
  grammar: 'RFC 9110 §5.3 combined field value of X-Request-ID',
  needs: ['endpoints', 'repeat'],
  messages: {
    ok: '{count} responses carried {count} distinct ids',
    dup: 'id {value} was returned on {times} responses ({endpoints}); generate a fresh id per request',
    none: 'no server-generated ids to compare',
  },
  evaluate(ctx) {
    const seen = new Map<string, string[]>();
    for (const e of responded(ctx.exchanges)) {
      if (CLIENT_ID_PURPOSES.includes(e.purpose)) continue;
      const id = requestId(e);
      if (!id) continue;
      seen.set(id, [...(seen.get(id) ?? []), e.endpoint]);
    }
    if (seen.size === 0) return [{ status: 'skip', messageId: 'none' }];
    const dup = [...seen].find(([, eps]) => eps.length > 1);
    if (dup) {
      return [
        {
          status: 'fail',
          messageId: 'dup',
          data: { value: excerpt(dup[0]), times: dup[1].length, endpoints: [...new Set(dup[1])].join(', ') },
          actual: dup[0],
        },
      ];
    }
    return [{ status: 'pass', messageId: 'ok', data: { count: seen.size } }];
  },
};

export const requestIdEcho: CheckDef = {
  id: 'contract.request-id.echo',
  category: 'contract',
  severity: 'warning',
  title: 'A valid client X-Request-ID is echoed',
  rule: 'A client-sent X-Request-ID that is a valid UUID comes back unchanged, so a caller can correlate its own logs with the server’s.',
  why: 'End-to-end tracing across services needs the caller’s id preserved; edges that rewrite it break correlation.',
  fix: '- Envoy: `preserve_external_request_id: true` and, to keep the UUID unchanged, `pack_trace_reason: false`.\n- Fastify: set `requestIdHeader: "x-request-id"` with a validating `genReqId`, and echo it in `onSend`.\n- nginx: `map $http_x_request_id $rid { ~^[0-9a-fA-F-]{36}$ $http_x_request_id; default $request_id; }`.',
  source: SOURCE,
  grammar: 'RFC 9562 §4 canonical UUID string; RFC 9110 §5.3 combined field value',
  needs: ['echo-id'],
  messages: {
    ok: '{endpoint}: the client UUID came back unchanged',
    nibble:
      '{endpoint}: the client UUID came back with its 14th digit changed ({actual}); an Envoy edge packs the trace reason there — set pack_trace_reason: false',
    replaced:
      '{endpoint}: the client UUID was replaced by {actual}; preserve valid external ids (Envoy preserve_external_request_id, or adopt the header in your middleware)',
    otherHeader:
      '{endpoint}: the client id came back only under "Request-ID", not X-Request-ID (Fastify’s default requestIdHeader); send it as X-Request-ID',
    absent: '{endpoint}: no X-Request-ID in the response to a request that sent one',
  },
  evaluate(ctx) {
    return responded(ctx.exchanges, ['echo-id']).map((e): Finding => {
      const sent = e.request.headers['x-request-id'] ?? '';
      const got = requestId(e);
      const base = { endpoint: e.endpoint, expected: sent };
      if (got === sent) return { ...base, status: 'pass', messageId: 'ok' };
      if (got === undefined) {
        if (singletonField(e.response.headers, 'request-id')?.first === sent)
          return { ...base, status: 'fail', messageId: 'otherHeader', actual: undefined };
        return { ...base, status: 'warn', messageId: 'absent' };
      }
      const sameButNibble =
        got.length === sent.length &&
        got.slice(0, 14) === sent.slice(0, 14) &&
        got.slice(15) === sent.slice(15);
      return {
        ...base,
        status: 'warn',
        messageId: sameButNibble ? 'nibble' : 'replaced',
        data: { actual: excerpt(got) },
        actual: got,
      };
    });
  },
};

export const requestIdInjection: CheckDef = {
  id: 'contract.request-id.injection',
  category: 'contract',
  severity: 'error',
  title: 'Invalid client ids are not reflected',
  rule: 'An invalid client X-Request-ID (overlong, not a UUID, markup, or a UUID in a non-canonical spelling that lenient parsers accept: braces, `urn:uuid:`, 32 hex digits without dashes, hundreds of extra dashes) is replaced by a fresh id and never reflected in headers or body; the response X-Request-ID is a canonical UUID.',
  why: 'Reflected ids let a caller inject forged entries into logs (log forging), poison caches or carry markup into dashboards; a lenient UUID parser that adopts and echoes such spellings reflects them too.',
  fix: '- Validate before adopting: accept only the canonical 36-character UUID (e.g. `/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i` and length 36), otherwise generate a new one; do not adopt what a lenient parser (uuid.UUID, Guid.Parse) accepts. express-request-id and Fastify’s requestIdHeader adopt any value without validation.',
  source: SOURCE,
  grammar:
    'RFC 9562 §4 canonical UUID string; the non-canonical spellings lenient parsers accept (braces, urn:uuid: of RFC 9562 §4, 32 hex digits, extra dashes) are not UUIDs',
  needs: ['hostile-id'],
  messages: {
    ok: '{endpoint}: {count} invalid ids were replaced, none reflected',
    okPartial:
      '{endpoint}: {count} invalid ids were replaced, none reflected; {none} of {total} responses to invalid ids carried no X-Request-ID',
    noHeader:
      '{endpoint}: none of the {total} responses to invalid ids carried an X-Request-ID, so there is no replacement to judge (contract.request-id.present reports the missing header)',
    reflected:
      '{endpoint}: the invalid id "{value}" was reflected in the {where}; validate client ids and replace invalid ones',
    notCanonical:
      '{endpoint}: the non-canonical id "{value}" came back as X-Request-ID "{got}", not a canonical UUID; adopt only canonical UUIDs and mint a fresh one otherwise',
  },
  evaluate(ctx) {
    const es = responded(ctx.exchanges, ['hostile-id']);
    if (es.length === 0) return [];
    for (const e of es) {
      const sent = e.request.headers['x-request-id'] ?? '';
      const fields = e.response.headers;
      const inHeader = fieldNames(fields).some((n) => fieldLines(fields, n).some((v) => v.includes(sent)));
      const inBody = e.response.body.includes(sent);
      const got = requestId(e);
      if (inHeader || inBody) {
        return [
          {
            status: 'fail',
            messageId: 'reflected',
            endpoint: e.endpoint,
            data: { value: excerpt(sent, 40), where: inHeader ? 'response headers' : 'response body' },
            expected: 'a fresh id',
            actual: got,
          },
        ];
      }
      if (got !== undefined && !isCanonicalUuid(got) && sameUuidDigits(got, sent)) {
        return [
          {
            status: 'fail',
            messageId: 'notCanonical',
            endpoint: e.endpoint,
            data: { value: excerpt(sent, 40), got: excerpt(got, 40) },
            expected: 'a canonical UUID',
            actual: got,
          },
        ];
      }
    }
    // Only a response that carries an X-Request-ID shows a replacement; judge those alone.
    const endpoint = es[0]!.endpoint;
    const withId = es.filter((e) => requestId(e) !== undefined).length;
    const none = es.length - withId;
    if (withId === 0)
      return [{ status: 'skip', messageId: 'noHeader', endpoint, data: { total: es.length } }];
    if (none > 0)
      return [
        { status: 'pass', messageId: 'okPartial', endpoint, data: { count: withId, none, total: es.length } },
      ];
    return [{ status: 'pass', messageId: 'ok', endpoint, data: { count: withId } }];
  },
};

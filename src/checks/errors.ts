import type { CheckDef, Finding } from './define.js';
import { combinedValue, contentType, isJsonMediaType } from '../http/fields/index.js';
import { byEndpoint, excerpt, parseJson, responded } from './util.js';

type Responded = ReturnType<typeof responded>[number];

export function errorExchanges(ctx: { exchanges: Parameters<typeof responded>[0] }): Responded[] {
  return responded(ctx.exchanges).filter((e) => e.response.status >= 400);
}

const FIX_PROBLEM =
  '- Express: one error-handling middleware `(err, req, res, next)` that answers `res.status(s).type("application/problem+json").json({ type, title, status: s, detail, instance: req.originalUrl, request_id })`; register a catch-all 404 route before it.\n' +
  '- Fastify: `setErrorHandler` and `setNotFoundHandler` returning the same shape with `reply.type("application/problem+json")`.\n' +
  '- nginx: `error_page 404 = @problem404;` with a location that `return`s a problem+json body, or `proxy_intercept_errors off` so the application’s bodies pass through.';

const SOURCE_9457 = 'RFC 9457 §3 (problem details)';

const NO_ERRORS = {
  status: 'warn' as const,
  messageId: 'noErrors',
};

export const errorSchema: CheckDef = {
  id: 'errors.schema',
  category: 'errors',
  severity: 'error',
  title: 'Error bodies follow the error schema',
  rule: '4xx/5xx bodies validate against the error schema: RFC 9457 problem details by default (type, title, status = HTTP status, detail, instance as their RFC types), or the schema given with --error-schema.',
  why: 'Clients handle every error the same way only if every error has the same shape; RFC 9457 consumers must ignore members of the wrong type, so the information is silently lost.',
  fix: FIX_PROBLEM,
  source: SOURCE_9457,
  grammar:
    'RFC 9457 §3.1 member types (`type` and `instance` are URI references, RFC 3986 §4.1, checked with ajv-formats `uri-reference`); JSON Schema draft-07 for --error-schema',
  needs: ['not-found', 'wrong-method', 'malformed-json'],
  messages: {
    ok: '{endpoint}: {status} body matches {schema}',
    notJson: '{endpoint}: the {status} body is not JSON ({type}); answer errors with a {schema} object',
    invalid: '{endpoint}: the {status} body does not match {schema}: {problem}',
    statusMismatch:
      '{endpoint}: body "status" is {body} but the HTTP status is {status}; they must be equal (RFC 9457 §3.1.2)',
    title:
      '{endpoint}: with type about:blank the title should be the reason phrase "{reason}", got "{title}"',
    noErrors:
      'no 4xx/5xx response was observed: the 404, 405 and 400 probes all succeeded — the API answers unknown paths and methods with success',
  },
  evaluate(ctx) {
    const errors = errorExchanges(ctx);
    if (errors.length === 0) return [NO_ERRORS];
    const out: Finding[] = [];
    const isRfc = ctx.errorSchemaName.startsWith('RFC 9457');
    for (const e of errors) {
      const status = e.response.status;
      const base = { endpoint: e.endpoint, data: { status, schema: ctx.errorSchemaName } };
      const body = parseJson(e.response.body);
      if (body === undefined) {
        out.push({
          ...base,
          status: 'fail',
          messageId: 'notJson',
          data: { ...base.data, type: contentType(e.response.headers) ?? 'no content type' },
          actual: excerpt(e.response.body, 80),
        });
        continue;
      }
      const problem = ctx.validateErrorBody(body);
      if (problem) {
        out.push({
          ...base,
          status: 'fail',
          messageId: 'invalid',
          data: { ...base.data, problem },
          actual: body,
        });
        continue;
      }
      const b = body as Record<string, unknown>;
      if (isRfc && b.status !== undefined && b.status !== status) {
        out.push({
          ...base,
          status: 'fail',
          messageId: 'statusMismatch',
          data: { status, body: b.status },
          expected: status,
          actual: b.status,
        });
        continue;
      }
      const reason = REASONS[status];
      if (isRfc && (b.type === undefined || b.type === 'about:blank') && reason && b.title !== reason) {
        out.push({
          ...base,
          status: 'warn',
          messageId: 'title',
          data: { reason, title: excerpt(String(b.title)) },
        });
        continue;
      }
      out.push({ ...base, status: 'pass', messageId: 'ok' });
    }
    return dedupePerEndpoint(
      out,
      (f) => `${f.endpoint}|${(f.data as { status?: number } | undefined)?.status}`,
    );
  },
};

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const ID_MEMBERS = [
  'request_id',
  'requestId',
  'request-id',
  'requestID',
  'trace_id',
  'traceId',
  'correlation_id',
  'correlationId',
];

export const errorCorrelation: CheckDef = {
  id: 'errors.correlation',
  category: 'errors',
  severity: 'error',
  title: 'Error bodies carry the request id',
  rule: 'Error bodies include the request id (e.g. `request_id`), equal to the X-Request-ID header.',
  why: 'Users paste error bodies into tickets, not headers; the id in the body is what support searches logs for.',
  fix: '- Add `request_id: req.id` (the value you set in X-Request-ID) to the one function that writes error bodies.',
  source: 'docs/contract.md §3',
  grammar: 'RFC 8259 JSON body; RFC 9110 §5.3 combined X-Request-ID',
  needs: ['not-found', 'wrong-method', 'malformed-json'],
  messages: {
    ok: '{endpoint}: body {member} equals X-Request-ID',
    mismatch:
      '{endpoint}: body {member} "{body}" differs from X-Request-ID "{header}"; use the same id in both',
    absent:
      '{endpoint}: the {status} body has no request id member ({members}); add request_id equal to X-Request-ID',
    noHeader:
      '{endpoint}: the body has {member} but the response has no X-Request-ID to compare with (see contract.request-id.present)',
    noErrors: 'no JSON error bodies to judge',
  },
  evaluate(ctx) {
    const out: Finding[] = [];
    for (const e of errorExchanges(ctx)) {
      const body = parseJson(e.response.body);
      if (body === null || typeof body !== 'object' || Array.isArray(body)) continue;
      const b = body as Record<string, unknown>;
      const id = combinedValue(e.response.headers, 'x-request-id');
      const member = ID_MEMBERS.find((m) => typeof b[m] === 'string');
      const base = { endpoint: e.endpoint };
      if (!member) {
        const inInstance = id !== undefined && typeof b.instance === 'string' && b.instance.includes(id);
        if (inInstance) out.push({ ...base, status: 'pass', messageId: 'ok', data: { member: 'instance' } });
        else
          out.push({
            ...base,
            status: 'fail',
            messageId: 'absent',
            data: {
              status: e.response.status,
              members: Object.keys(b).slice(0, 8).join(', ') || 'empty object',
            },
          });
        continue;
      }
      const value = b[member] as string;
      if (id === undefined) out.push({ ...base, status: 'skip', messageId: 'noHeader', data: { member } });
      else if (value !== id)
        out.push({
          ...base,
          status: 'fail',
          messageId: 'mismatch',
          data: { member, body: excerpt(value), header: excerpt(id) },
          expected: id,
          actual: value,
        });
      else out.push({ ...base, status: 'pass', messageId: 'ok', data: { member } });
    }
    return out.length > 0 ? dedupePerEndpoint(out) : [{ status: 'skip', messageId: 'noErrors' }];
  },
};

/** Keeps one finding per endpoint (or per `keyOf` key): the worst. */
function dedupePerEndpoint(
  findings: Finding[],
  keyOf: (f: Finding) => string = (f) => f.endpoint ?? '',
): Finding[] {
  const rank = { fail: 3, warn: 2, pass: 1, skip: 0 } as const;
  const best = new Map<string, Finding>();
  for (const f of findings) {
    const key = keyOf(f);
    const cur = best.get(key);
    if (!cur || rank[f.status] > rank[cur.status]) best.set(key, f);
  }
  return [...best.values()];
}

export const errorContentType: CheckDef = {
  id: 'errors.content-type',
  category: 'errors',
  severity: 'error',
  title: 'Error bodies are JSON',
  rule: 'Error bodies are sent as `application/problem+json` (RFC 9457) or `application/json`.',
  why: 'Clients pick a parser by Content-Type; an HTML or text error breaks them and is often a framework default page.',
  fix: FIX_PROBLEM,
  source: SOURCE_9457,
  grammar:
    'RFC 9110 §8.3.1 media type (`type/subtype`, case-insensitive, parameters ignored); RFC 6839 §3.1 `+json`',
  needs: ['not-found', 'wrong-method', 'malformed-json'],
  messages: {
    ok: '{endpoint}: {status} sent as {type}',
    json: '{endpoint}: {status} sent as application/json; application/problem+json is the RFC 9457 media type',
    bad: '{endpoint}: {status} sent as {type}; send application/problem+json',
    noErrors: 'no error responses were observed to judge',
  },
  evaluate(ctx) {
    const errors = errorExchanges(ctx);
    if (errors.length === 0) return [{ status: 'skip', messageId: 'noErrors' }];
    const out: Finding[] = [];
    for (const [endpoint, es] of byEndpoint(errors)) {
      const verdicts = es.map((e): Finding => {
        const type = contentType(e.response.headers);
        const data = { status: e.response.status, type: type ?? 'no Content-Type' };
        if (e.response.bodyBytes === 0 && e.request.method === 'HEAD')
          return { status: 'pass', messageId: 'ok', endpoint, data };
        if (type === 'application/problem+json') return { status: 'pass', messageId: 'ok', endpoint, data };
        if (isJsonMediaType(type)) return { status: 'pass', messageId: 'json', endpoint, data };
        return {
          status: 'fail',
          messageId: 'bad',
          endpoint,
          data,
          expected: 'application/problem+json',
          actual: type ?? null,
        };
      });
      out.push(verdicts.find((v) => v.status === 'fail') ?? verdicts[0]!);
    }
    return out;
  },
};

import { randomBytes, randomUUID } from 'node:crypto';
import { CORS_PROBE_ORIGIN } from '../checks/security-exposure.js';
import type { CheckContext, ProbeNeed } from '../checks/define.js';
import { endpointLabel, joinPath } from '../config/endpoint.js';
import type { RunOptions } from '../config/options.js';
import { HardenError } from '../errors.js';
import { combinedValue, lenientUuidSpellings, singletonField } from '../http/fields/index.js';
import type { Endpoint, Exchange } from '../types.js';
import { createCanaries } from './canaries.js';
import type { ProbeClient, ProbeRequest } from './client.js';
import { logOffset, readLogSince, runLogCommand } from './log-source.js';
import { runRateLimitProbe } from './rate-limit-probe.js';

export interface ProbePhaseResult {
  exchanges: Exchange[];
  logs: CheckContext['logs'];
  rateLimitProbe: CheckContext['rateLimitProbe'];
}

/** Joins the target's base path and an endpoint path (`https://h/api` + `/v1/x` → `/api/v1/x`). */

const SAFE = new Set(['GET', 'HEAD']);
const TRANSPORT_TO_CODE: Record<string, ConstructorParameters<typeof HardenError>[0]> = {
  NOT_HTTP: 'TARGET_NOT_HTTP',
  TLS: 'TARGET_TLS',
  TIMEOUT: 'TARGET_TIMEOUT',
};

/**
 * Sends the first request, following up to 5 redirects; a dead, non-HTTP or looping target stops
 * the run (exit 3). Returns the exchange when the first answer was not a redirect, so the probe
 * can judge it as that endpoint's first request instead of sending the same GET again.
 */
export async function checkReachable(
  client: ProbeClient,
  target: URL,
  first: Endpoint,
): Promise<Exchange | undefined> {
  let path = joinPath(target, first.path);
  const seen = new Set<string>();
  for (let hop = 0; hop <= 5; hop++) {
    const e = await client.send({
      purpose: 'endpoint',
      method: 'GET',
      path,
      endpoint: endpointLabel(first),
      record: false,
    });
    if (e.error) {
      throw new HardenError(
        TRANSPORT_TO_CODE[e.error.code] ?? 'TARGET_UNREACHABLE',
        `${target.origin} is unreachable: ${e.error.message}`,
      );
    }
    const status = e.response!.status;
    const location = singletonField(e.response!.headers, 'location')?.first;
    if (status < 300 || status > 399 || location === undefined) return hop === 0 ? e : undefined;
    const next = new URL(location, e.request.url);
    if (seen.has(next.href) || hop === 5) {
      throw new HardenError(
        'TARGET_REDIRECT_LOOP',
        `${target.origin} redirects in a loop (${[...seen, next.href].slice(-3).join(' → ')})`,
      );
    }
    seen.add(next.href);
    if (next.origin !== target.origin) {
      throw new HardenError(
        'TARGET_UNREACHABLE',
        `${e.request.url} redirects to ${next.origin}; run harden-check against ${next.origin}${target.pathname === '/' ? '' : target.pathname}`,
      );
    }
    path = next.pathname + next.search;
  }
}

/**
 * The probe phase: sends exactly the requests the enabled checks need, in a fixed order, and
 * records every exchange. Only safe methods are sent to real endpoints unless a body was configured.
 */
export async function runProbePhase(
  client: ProbeClient,
  options: RunOptions,
  needs: ReadonlySet<ProbeNeed>,
): Promise<ProbePhaseResult> {
  const target = new URL(options.target);
  const healthPaths = new Set([options.health.liveness, options.health.readiness]);
  const isHealth = (e: Endpoint) => healthPaths.has(e.path.split('?', 1)[0]!);
  const first =
    options.endpoints.find((e) => SAFE.has(e.method) && !isHealth(e)) ??
    options.endpoints.find((e) => SAFE.has(e.method));
  let reachability: Exchange | undefined = await checkReachable(
    client,
    target,
    first ?? { method: 'GET', path: options.health.liveness },
  );
  // A target that answered the first request but then stops answering would otherwise cost one
  // full --timeout per remaining probe: two consecutive timeouts end the run (exit 3). Fast
  // failures (a WAF resetting hostile-looking probes) are recorded and judged instead.
  let failures = 0;
  const send = async (r: ProbeRequest) => {
    const e = await client.send(r);
    failures = e.error?.code === 'TIMEOUT' ? failures + 1 : 0;
    if (failures >= 2) {
      throw new HardenError(
        TRANSPORT_TO_CODE[e.error!.code] ?? 'TARGET_UNREACHABLE',
        `${target.origin} stopped answering during the probe phase: ${e.error!.message}`,
      );
    }
    return e;
  };
  const subject = first ?? { method: 'GET', path: options.health.liveness };
  const subjectPath = joinPath(target, subject.path);
  const subjectLabel = endpointLabel(subject);

  if (needs.has('endpoints')) {
    for (const ep of options.endpoints) {
      const hasBody = ep.body !== undefined;
      if (!SAFE.has(ep.method) && !hasBody) continue;
      const req: ProbeRequest = {
        purpose: 'endpoint',
        method: ep.method,
        path: joinPath(target, ep.path),
        endpoint: endpointLabel(ep),
        ...(hasBody
          ? { body: JSON.stringify(ep.body), headers: { 'content-type': 'application/json' } }
          : {}),
        meta: {
          health: isHealth(ep),
          // Endpoints the user named fail when not serving; defaults and discovered ones warn.
          origin: ['configured', 'openapi'].includes(options.endpointSource.kind) ? 'configured' : 'default',
          ...(ep.fromSpec ? { fromSpec: true } : {}),
        },
      };
      if (reachability && ep === first && ep.method === 'GET' && !hasBody) {
        client.record({ ...reachability, meta: req.meta });
        reachability = undefined;
      } else await send(req);
      if (needs.has('repeat') && SAFE.has(ep.method)) await send({ ...req, purpose: 'endpoint-repeat' });
    }
  }
  if (needs.has('health')) {
    await send({
      purpose: 'health',
      method: 'GET',
      path: joinPath(target, options.health.liveness),
      meta: { kind: 'liveness' },
    });
    await send({
      purpose: 'health',
      method: 'GET',
      path: joinPath(target, options.health.readiness),
      meta: { kind: 'readiness' },
    });
  }
  if (needs.has('not-found')) {
    const path = joinPath(target, `/harden-check-not-found-${randomBytes(4).toString('hex')}`);
    await send({ purpose: 'not-found', method: 'GET', path, endpoint: 'GET (unknown path)' });
  }
  if (needs.has('wrong-method')) {
    // DELETE on the liveness endpoint: a method it never supports, on a path without data behind it.
    await send({
      purpose: 'wrong-method',
      method: 'DELETE',
      path: joinPath(target, options.health.liveness),
    });
  }
  const post = options.endpoints.find(
    (e) => e.method === 'POST' || e.method === 'PUT' || e.method === 'PATCH',
  );
  if (needs.has('malformed-json') && post) {
    await send({
      purpose: 'malformed-json',
      method: post.method,
      path: joinPath(target, post.path),
      headers: { 'content-type': 'application/json' },
      body: '{"harden-check": ',
    });
  }
  if (needs.has('echo-id')) {
    await send({
      purpose: 'echo-id',
      method: 'GET',
      path: subjectPath,
      endpoint: subjectLabel,
      headers: { 'x-request-id': randomUUID() },
    });
  }
  if (needs.has('hostile-id')) {
    // Markup with spaces, quotes and an encoded CRLF (log forging, header splitting), then
    // non-canonical spellings of one fresh UUID that lenient parsers (Python uuid.UUID, .NET
    // Guid.Parse, Go uuid.Parse) accept and may echo: braces, urn:uuid:, 32 hex digits, and one
    // padded with 300 dashes, which is also the overlong id (336 characters, RULES RID-4).
    for (const id of [
      '<script>alert("hc")</script> x%0d%0aSet-Cookie:%20hc=1',
      ...lenientUuidSpellings(randomUUID()),
    ]) {
      await send({
        purpose: 'hostile-id',
        method: 'GET',
        path: subjectPath,
        endpoint: subjectLabel,
        headers: { 'x-request-id': id },
      });
    }
  }
  if (needs.has('cors')) {
    await send({
      purpose: 'cors-preflight',
      method: 'OPTIONS',
      path: subjectPath,
      endpoint: `OPTIONS ${subjectPath.split('?', 1)[0]}`,
      headers: {
        origin: CORS_PROBE_ORIGIN,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    await send({
      purpose: 'cors-simple',
      method: 'GET',
      path: subjectPath,
      endpoint: subjectLabel,
      headers: { origin: CORS_PROBE_ORIGIN },
    });
  }
  let logs: CheckContext['logs'];
  if (needs.has('log-canary') && (options.logFile || options.logCommand))
    logs = await sendCanaries(client, options, target, subject, post);

  let rateLimitProbe: CheckContext['rateLimitProbe'] = { ran: false };
  if (needs.has('rl-probe') && options.rateLimitProbe) {
    rateLimitProbe = await runRateLimitProbe(client, options, target);
  }
  return { exchanges: client.exchanges, logs, rateLimitProbe };
}

async function sendCanaries(
  client: ProbeClient,
  options: RunOptions,
  target: URL,
  subject: Endpoint,
  post: Endpoint | undefined,
): Promise<CheckContext['logs']> {
  const canaries = createCanaries();
  const offset = options.logFile ? await logOffset(options.logFile) : 0;
  const query = `?email=${encodeURIComponent(canaries['e-mail']!)}&card=${canaries['card number']}&password=${encodeURIComponent(canaries.password!)}`;
  const headers = { authorization: `Bearer ${canaries['bearer token']}`, 'x-contact': canaries['e-mail']! };
  const ids: string[] = [];
  const a = await client.send({
    purpose: 'log-canary',
    method: 'GET',
    path: joinPath(target, subject.path) + query,
    endpoint: endpointLabel(subject),
    headers,
  });
  ids.push(a.response ? (combinedValue(a.response.headers, 'x-request-id') ?? '') : '');
  if (post) {
    const body = JSON.stringify({
      ...(typeof post.body === 'object' && post.body ? post.body : {}),
      password: canaries.password,
      email: canaries['e-mail'],
      card: canaries['card number'],
      note: `contact ${canaries['e-mail']} card ${canaries['card number']}`,
    });
    const b = await client.send({
      purpose: 'log-canary',
      method: post.method,
      path: joinPath(target, post.path),
      endpoint: endpointLabel(post),
      headers: { ...headers, 'content-type': 'application/json' },
      body,
    });
    ids.push(b.response ? (combinedValue(b.response.headers, 'x-request-id') ?? '') : '');
  }
  const requestIds = ids.filter(Boolean);
  if (options.logFile) {
    const text = await readLogSince(options.logFile, offset, requestIds.at(-1) ?? '\n', 2000);
    return { source: options.logFile, text, canaries, requestIds };
  }
  const text = await runLogCommand(options.logCommand!, options.timeoutMs);
  return { source: `--log-command output`, text, canaries, requestIds };
}

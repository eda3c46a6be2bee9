import type { CheckDef, Finding } from './define.js';
import { header, isJsonMedia, mediaType, parseJson, responded } from './util.js';

/** A liveness answer slower than this is a warning: orchestrators time probes out at 1 s by default. */
export const LIVENESS_SLOW_MS = 1000;

const HEALTH_STATUSES = new Set([
  'pass',
  'ok',
  'up',
  'healthy',
  'warn',
  'fail',
  'down',
  'unhealthy',
  'green',
  'yellow',
  'red',
]);

const FIX =
  '- Express/Fastify: `GET /healthz` → `200 {"status":"pass"}` without touching dependencies; `GET /readyz` checks each dependency and answers 200, or 503 with the failing one named.\n' +
  '- Kubernetes: point `livenessProbe` at /healthz and `readinessProbe` at /readyz; exempt both from rate limits and auth.';
const SOURCE =
  'draft-inadarei-api-health-check (application/health+json); Kubernetes liveness/readiness probe conventions';

export const liveness: CheckDef = {
  id: 'health.liveness',
  category: 'health',
  severity: 'error',
  title: '/healthz answers 200 with a JSON status',
  rule: `GET /healthz answers 200 quickly (under ${LIVENESS_SLOW_MS} ms) with a JSON body that has a "status" member.`,
  why: 'Orchestrators and load balancers restart or drain instances by this answer; a slow or ambiguous one causes needless restarts.',
  fix: FIX,
  source: SOURCE,
  needs: ['health'],
  messages: {
    ok: '{endpoint}: 200 in {ms} ms, status "{value}"',
    status: '{endpoint}: answered {status}; liveness must answer 200 while the process can serve',
    notJson: '{endpoint}: 200 but the body is not JSON with a "status" member; answer {"status":"pass"}',
    slow: '{endpoint}: took {ms} ms; liveness must not do slow work (probes time out at 1 s by default)',
    unreachable: '{endpoint}: no answer ({error})',
    none: 'no /healthz probe was sent',
  },
  evaluate(ctx) {
    const e = ctx.exchanges.find((x) => x.purpose === 'health' && x.meta?.kind === 'liveness');
    if (!e) return [{ status: 'skip', messageId: 'none' }];
    const endpoint = e.endpoint;
    if (!e.response)
      return [{ status: 'fail', messageId: 'unreachable', endpoint, data: { error: e.error?.message } }];
    const [r] = responded([e]);
    if (r!.response.status !== 200)
      return [
        {
          status: 'fail',
          messageId: 'status',
          endpoint,
          data: { status: r!.response.status },
          expected: 200,
          actual: r!.response.status,
        },
      ];
    const body = parseJson(r!.response.body) as Record<string, unknown> | undefined;
    const value = body && typeof body === 'object' ? body.status : undefined;
    const ms = Math.round(e.timing.headersMs);
    if (!isJsonMedia(mediaType(header(r!, 'content-type'))) && body === undefined)
      return [{ status: 'fail', messageId: 'notJson', endpoint }];
    if (typeof value !== 'string' || !HEALTH_STATUSES.has(value.toLowerCase()))
      return [{ status: 'fail', messageId: 'notJson', endpoint, actual: body ?? null }];
    if (ms > LIVENESS_SLOW_MS) return [{ status: 'warn', messageId: 'slow', endpoint, data: { ms } }];
    return [{ status: 'pass', messageId: 'ok', endpoint, data: { ms, value } }];
  },
};

export const readiness: CheckDef = {
  id: 'health.readiness',
  category: 'health',
  severity: 'error',
  title: '/readyz reports readiness with a reason',
  rule: 'GET /readyz answers 200 when ready or 503 with a reason naming the failing dependency; a missing endpoint is a warning.',
  why: 'Traffic should reach an instance only when its dependencies work; the reason shortens every incident.',
  fix: FIX,
  source: SOURCE,
  needs: ['health'],
  messages: {
    ready: '{endpoint}: 200, ready{detail}',
    notReady: '{endpoint}: 503, not ready — {reason}',
    noReason: '{endpoint}: 503 without a reason; name the failing dependency in the body',
    absent: '{endpoint}: answered {status}; add a readiness endpoint so traffic reaches only ready instances',
    other: '{endpoint}: answered {status}; readiness must answer 200 or 503',
    unreachable: '{endpoint}: no answer ({error})',
    none: 'no /readyz probe was sent',
  },
  evaluate(ctx) {
    const e = ctx.exchanges.find((x) => x.purpose === 'health' && x.meta?.kind === 'readiness');
    if (!e) return [{ status: 'skip', messageId: 'none' }];
    const endpoint = e.endpoint;
    if (!e.response)
      return [{ status: 'fail', messageId: 'unreachable', endpoint, data: { error: e.error?.message } }];
    const status = e.response.status;
    const body = parseJson(e.response.body) as Record<string, unknown> | undefined;
    if (status === 200) {
      const checks =
        body && typeof body === 'object' && body.checks && typeof body.checks === 'object'
          ? Object.keys(body.checks)
          : [];
      return [
        {
          status: 'pass',
          messageId: 'ready',
          endpoint,
          data: { detail: checks.length ? ` (${checks.join(', ')})` : '' },
        },
      ];
    }
    if (status === 503) {
      const reason =
        body && typeof body === 'object'
          ? (body.output ?? body.reason ?? body.detail ?? body.message)
          : e.response.body.trim() || undefined;
      if (reason === undefined || reason === '') return [{ status: 'warn', messageId: 'noReason', endpoint }];
      return [
        {
          status: 'pass',
          messageId: 'notReady',
          endpoint,
          data: {
            reason: String(typeof reason === 'string' ? reason : JSON.stringify(reason)).slice(0, 120),
          },
        },
      ];
    }
    if (status === 404 || status === 405)
      return [{ status: 'warn', messageId: 'absent', endpoint, data: { status } }];
    return [
      {
        status: 'fail',
        messageId: 'other',
        endpoint,
        data: { status },
        expected: '200 or 503',
        actual: status,
      } as Finding,
    ];
  },
};

import type { CheckDef, Finding } from './define.js';
import { contentType, isJsonMediaType } from '../http/fields/index.js';
import { parseJson, responded } from './util.js';

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
  'draft-inadarei-api-health-check §3 (application/health+json: status, and checks keyed "component:measurement" with status and output); Kubernetes liveness/readiness probe conventions';

/**
 * The failing dependencies of a health+json `checks` object (draft-inadarei-api-health-check
 * §3.7, §4): each key names a component (`db:connections`), its value is an array of results with
 * `status` and `output`. Returns `key: output` for results whose status is fail or warn (or every
 * key when none says so), or undefined when `checks` names nothing.
 */
export function failingChecks(checks: unknown): string | undefined {
  if (!checks || typeof checks !== 'object' || Array.isArray(checks)) return undefined;
  const describe = (key: string, results: unknown[], onlyFailing: boolean): string[] =>
    results
      .filter((r): r is Record<string, unknown> => !!r && typeof r === 'object')
      .filter((r) => !onlyFailing || r.status === 'fail' || r.status === 'warn')
      .map((r) =>
        typeof r.output === 'string' && r.output
          ? `${key}: ${r.output}`
          : `${key}: ${String(r.status ?? 'failing')}`,
      );
  const entries = Object.entries(checks as Record<string, unknown>).map(
    ([k, v]) => [k, Array.isArray(v) ? v : [v]] as const,
  );
  const failing = entries.flatMap(([k, v]) => describe(k, v, true));
  const named = failing.length > 0 ? failing : entries.flatMap(([k, v]) => describe(k, v, false));
  return named.length > 0 ? named.join('; ') : undefined;
}

export const liveness: CheckDef = {
  id: 'health.liveness',
  category: 'health',
  severity: 'error',
  title: '/healthz answers 200 with a JSON status',
  rule: `GET /healthz answers 200 quickly (under ${LIVENESS_SLOW_MS} ms) with a JSON body that has a "status" member.`,
  why: 'Orchestrators and load balancers restart or drain instances by this answer; a slow or ambiguous one causes needless restarts.',
  fix: FIX,
  source: SOURCE,
  grammar:
    'draft-inadarei-api-health-check §3 (application/health+json `status`); RFC 9110 §8.3.1 media type',
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
    if (!isJsonMediaType(contentType(r!.response.headers)) && body === undefined)
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
  rule: 'GET /readyz answers 200 when ready or 503 with a reason naming the failing dependency (a top-level output/reason/detail/message, or in application/health+json form a `checks` entry whose status is fail or warn, with its output); a missing endpoint is a warning.',
  why: 'Traffic should reach an instance only when its dependencies work; the reason shortens every incident.',
  fix: FIX,
  source: SOURCE,
  grammar:
    'draft-inadarei-api-health-check §3–4 (`status`, `checks` keyed `component:measurement` with `status` and `output`)',
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
          ? (body.output ?? body.reason ?? body.detail ?? body.message ?? failingChecks(body.checks))
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

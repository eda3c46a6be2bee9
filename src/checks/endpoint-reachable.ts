import type { Exchange } from '../types.js';
import type { CheckDef, Finding } from './define.js';

/** Statuses that mean "this endpoint is not serving this client": nothing behind it can be measured. */
export const NOT_SERVING = new Set([401, 403, 404, 405]);

/** The first probe of each configured (non-health) endpoint, in probe order. */
export function endpointProbes(exchanges: readonly Exchange[]): Exchange[] {
  const seen = new Set<string>();
  return exchanges.filter((e) => {
    if (e.purpose !== 'endpoint' || e.meta?.health === true || seen.has(e.endpoint)) return false;
    seen.add(e.endpoint);
    return true;
  });
}

/** Labels of the endpoints that answered 401/403/404/405 to their probe. */
export function notServingEndpoints(exchanges: readonly Exchange[]): Set<string> {
  return new Set(
    endpointProbes(exchanges)
      .filter((e) => e.response && NOT_SERVING.has(e.response.status))
      .map((e) => e.endpoint),
  );
}

const WHY: Record<number, string> = {
  401: 'it needs credentials (add --header "Authorization: …")',
  403: 'this client is not allowed (check the credentials or an allow-list)',
  404: 'there is nothing at this path',
  405: 'the endpoint does not accept GET',
};

export const endpointReachable: CheckDef = {
  id: 'contract.endpoint.reachable',
  category: 'contract',
  severity: 'error',
  title: 'Every probed endpoint is serving',
  rule: 'Each endpoint the run measures answers its probe with something other than 401, 403, 404 or 405. An endpoint that does is reported here and left out of the load phase, so an error page is never measured as "available". Configured endpoints fail; the default ones (the URL’s own path, operations of a discovered OpenAPI document) warn. OpenAPI operations the run leaves out are listed as skipped, with the reason.',
  why: 'Latency and availability of a 404 page say nothing about the API: a run that measured only error pages must not pass.',
  fix: '- Give the endpoints to measure: `--endpoint "GET /items"` (repeatable), `endpoints` in the config, or `--openapi spec.yaml`.\n- The URL’s path is the base path of every endpoint: `harden-check https://host/api/v1 --endpoint "GET /items"` probes `/api/v1/items`.\n- 401/403: pass credentials with `--header "Authorization: Bearer …"`.',
  source: 'docs/contract.md (what a run probes); RFC 9110 §15.5 (4xx status codes)',
  needs: ['endpoints'],
  messages: {
    ok: '{endpoint}: answered {status} (endpoints from {source})',
    notServing:
      '{endpoint}: answered {status} — {why}; not serving, so it is left out of the load phase{hint}',
    noAnswer: '{endpoint}: no answer ({error}); left out of the load phase',
    leftOut: '{operation}: left out — {reason}',
    none: 'no endpoint was probed',
  },
  evaluate(ctx) {
    const plan = ctx.endpointPlan;
    const source = plan?.source ?? 'the configuration';
    const out: Finding[] = [];
    for (const e of endpointProbes(ctx.exchanges)) {
      const configured = e.meta?.origin === 'configured';
      if (!e.response) {
        out.push({
          status: configured ? 'fail' : 'warn',
          messageId: 'noAnswer',
          endpoint: e.endpoint,
          data: { error: e.error?.message ?? 'transport error' },
        });
        continue;
      }
      const status = e.response.status;
      if (!NOT_SERVING.has(status)) {
        out.push({ status: 'pass', messageId: 'ok', endpoint: e.endpoint, data: { status, source } });
        continue;
      }
      let hint = '';
      if (status === 404 && e.meta?.fromSpec === true)
        hint = `; it comes from the OpenAPI document — check the base path (the URL’s path is "${plan?.basePath || '/'}"${plan?.serverUrl ? `, the spec’s server URL is ${plan.serverUrl}` : ''})`;
      else if (status === 404 && plan?.basePath)
        hint = `; endpoint paths are relative to the URL’s path "${plan.basePath}"`;
      out.push({
        status: configured ? 'fail' : 'warn',
        messageId: 'notServing',
        endpoint: e.endpoint,
        data: { status, why: WHY[status], hint },
        expected: 'not 401, 403, 404 or 405',
        actual: status,
      });
    }
    for (const op of plan?.leftOut ?? [])
      out.push({ status: 'skip', messageId: 'leftOut', endpoint: op.operation, data: op });
    return out.length > 0 ? out : [{ status: 'skip', messageId: 'none' }];
  },
};

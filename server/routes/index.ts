import {
  exportEvents,
  forecastSummary,
  type Handler,
  healthz,
  info,
  metrics,
  openApiDocument,
  postForecast,
  postWebhookEvent,
  readyz,
} from './handlers.js';

/** Route table: path → method → handler. HEAD is served by GET; OPTIONS answers with Allow. */
export type RouteTable = ReadonlyMap<string, Readonly<Record<string, Handler>>>;

export const ROUTES: RouteTable = new Map<string, Record<string, Handler>>([
  ['/healthz', { GET: healthz }],
  ['/readyz', { GET: readyz }],
  ['/v1/info', { GET: info }],
  ['/v1/forecast/summary', { GET: forecastSummary }],
  ['/v1/webhooks/events', { POST: postWebhookEvent }],
  ['/v1/ai/forecast', { POST: postForecast }],
  ['/v1/export', { GET: exportEvents }],
  ['/openapi.json', { GET: openApiDocument }],
  ['/metrics', { GET: metrics }],
]);

/** The Allow header value for a route (RFC 9110 §10.2.1). */
export function allowedMethods(methods: Readonly<Record<string, Handler>>): string {
  const names = Object.keys(methods);
  if (names.includes('GET')) names.push('HEAD');
  names.push('OPTIONS');
  return names.join(', ');
}

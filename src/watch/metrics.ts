import { createServer, type Server } from 'node:http';
import { Counter, Histogram, Registry } from 'prom-client';
import { LATENCY_BUCKETS_SECONDS } from '../../server/latency-buckets.js';
import { HardenError } from '../errors.js';
import type { SloTargets } from '../types.js';

/** The measurements of a watch as Prometheus metrics (prom-client), by endpoint. */
export interface WatchMetrics {
  registry: Registry;
  observe(endpoint: string, status: number, errorKind: string | undefined, correctedUs: number): void;
}

/**
 * harden_check_request_duration_seconds (histogram, client-observed from the scheduled send time,
 * 429s excluded), harden_check_requests_total{endpoint,code} and
 * harden_check_errors_total{endpoint,kind} (5xx or a transport error kind). The SLO targets are
 * bucket bounds, so `le` ratios express the latency SLOs exactly.
 */
export function createWatchMetrics(slo: SloTargets): WatchMetrics {
  const registry = new Registry();
  const buckets = [...new Set([...LATENCY_BUCKETS_SECONDS, slo.p95Ms / 1000, slo.p99Ms / 1000])].sort(
    (a, b) => a - b,
  );
  const duration = new Histogram({
    name: 'harden_check_request_duration_seconds',
    help: 'Client-observed latency from the scheduled send time (no coordinated omission), 429s excluded.',
    labelNames: ['endpoint'] as const,
    buckets,
    registers: [registry],
  });
  const requests = new Counter({
    name: 'harden_check_requests_total',
    help: 'Requests sent by harden-check watch, by endpoint and status code ("error" for transport errors).',
    labelNames: ['endpoint', 'code'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'harden_check_errors_total',
    help: 'Failed requests (5xx or a transport error), by endpoint and kind.',
    labelNames: ['endpoint', 'kind'] as const,
    registers: [registry],
  });
  return {
    registry,
    observe(endpoint, status, errorKind, correctedUs) {
      requests.labels(endpoint, status === 0 ? 'error' : String(status)).inc();
      if (status === 429) return;
      duration.labels(endpoint).observe(correctedUs / 1e6);
      if (status === 0) errors.labels(endpoint, errorKind ?? 'UNKNOWN').inc();
      else if (status >= 500) errors.labels(endpoint, '5xx').inc();
    },
  };
}

/** Serves GET /metrics on host:port (127.0.0.1 unless told otherwise); resolves with the URL. */
export async function serveMetrics(
  registry: Registry,
  port: number,
  host = '127.0.0.1',
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?', 1)[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; metrics are at /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new HardenError('USAGE', `--metrics-port: cannot listen on ${host}:${port} (${err.code ?? 'error'})`),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as { port: number; address: string; family: string };
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

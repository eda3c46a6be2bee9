// bare node:http returning the same body *and the same 15 response headers* as the hardened
// server (static values): separates the cost of the header contract itself from the pipeline's.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const body = JSON.stringify({
  name: 'harden-server',
  version: '0.1.0',
  policies: [
    { name: 'default', limit: 100, windowSec: 60 },
    { name: 'webhook', limit: 1000, windowSec: 60 },
    { name: 'ai', limit: 20, windowSec: 60 },
    { name: 'export', limit: 10, windowSec: 60 },
  ],
  slo: { p95Ms: 100, p99Ms: 500, errorRate: 0.001, availability: 0.999 },
  rateLimitStore: 'memory',
});
const server = createServer((_req, res) => {
  res.writeHead(200, {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    'x-request-id': randomUUID(),
    'x-ratelimit-limit': 1000000000,
    'x-ratelimit-remaining': 999999999,
    'x-ratelimit-reset': Math.ceil(Date.now() / 1000) + 60,
    'ratelimit-policy': '"default";q=1000000000;w=60',
    ratelimit: '"default";r=999999999;t=60',
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-latency-ms': 0,
  });
  res.end(body);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));

// A bare node:http server returning the same body as the reference server's /v1/info.
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
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));

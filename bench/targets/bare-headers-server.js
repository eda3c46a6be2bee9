// bare node:http returning the same body *and the same 15 response headers* as the hardened
// server (static values): separates the cost of the header contract itself from the pipeline's.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createSecurityHeaders } from '../../dist/server/stages/security-headers.js';
import { INFO_BODY } from './info-body.js';

const SECURITY_HEADERS = createSecurityHeaders({ hsts: false });

const body = INFO_BODY;
const server = createServer((_req, res) => {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
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

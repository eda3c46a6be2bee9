// The reference server with every stage on: request id, latency, security headers, rate limiting
// (memory store, counted per request through an override key with a huge budget), logging to a
// file, metrics. Prints its URL.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../dist/server/start.js';

const dir = mkdtempSync(join(tmpdir(), 'harden-bench-'));
export const BENCH_KEY = 'bench-override-key-0123456789abcdef';
const server = await startServer({
  port: 0,
  statePath: join(dir, 'state.db'),
  log: join(dir, 'server.log'),
  apiKeys: [{ name: 'bench', key: BENCH_KEY, kind: 'override', limits: { default: 1_000_000_000 } }],
  keepAliveTimeoutMs: 30_000,
});
process.stdout.write(`${server.url}\n`);
process.on('SIGTERM', async () => {
  await server.close(1000);
  process.exit(0);
});

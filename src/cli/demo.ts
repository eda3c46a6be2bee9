import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startServer } from '../../server/start.js';

export interface DemoTarget {
  url: string;
  logFile: string;
  bypassKey: string;
  stop(): Promise<void>;
}

/**
 * Starts the reference server in-process on 127.0.0.1:0 with a log file (so logs.redaction has a
 * source) and an internal-tools bypass key (so the load phase may exceed the per-IP limits).
 */
export async function startDemoTarget(): Promise<DemoTarget> {
  const dir = await mkdtemp(join(tmpdir(), 'harden-demo-'));
  const logFile = join(dir, 'server.log');
  const bypassKey = `demo-${randomBytes(16).toString('hex')}`;
  let server: RunningServer;
  try {
    server = await startServer({
      port: 0,
      statePath: join(dir, 'state.db'),
      log: logFile,
      processMetrics: false,
      apiKeys: [{ name: 'harden-check-demo', key: bypassKey, kind: 'bypass' }],
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: server.url,
    logFile,
    bypassKey,
    async stop() {
      await server.close(2000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The demo's endpoints: every GET of the reference API plus the webhook POST (for the malformed-body probe). */
export const DEMO_ENDPOINTS = [
  'GET /healthz',
  'GET /readyz',
  'GET /v1/info',
  'GET /v1/forecast/summary',
  'GET /v1/export',
  'POST /v1/webhooks/events',
];

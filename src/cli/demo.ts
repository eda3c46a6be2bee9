import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ServerOptions } from '../../server/start.js';

export interface DemoTarget {
  url: string;
  logFile: string;
  bypassKey: string;
  stop(): Promise<void>;
}

/**
 * The worker's module. Under the test runner this module is TypeScript source, which a worker
 * thread cannot load; the built copy (npm run build) is used then.
 */
const WORKER = import.meta.url.endsWith('.ts')
  ? new URL('../../dist/src/cli/demo-worker.js', import.meta.url)
  : new URL('./demo-worker.js', import.meta.url);

/**
 * Starts the reference server on 127.0.0.1:0 in a worker thread of this process, with a log file
 * (so logs.redaction has a source) and an internal-tools bypass key (so the load phase may exceed
 * the per-IP limits). Rejects with the server's start error.
 */
export async function startDemoTarget(): Promise<DemoTarget> {
  const dir = await mkdtemp(join(tmpdir(), 'harden-demo-'));
  const logFile = join(dir, 'server.log');
  const bypassKey = `demo-${randomBytes(16).toString('hex')}`;
  const options: ServerOptions = {
    port: 0,
    statePath: join(dir, 'state.db'),
    log: logFile,
    processMetrics: false,
    apiKeys: [{ name: 'harden-check-demo', key: bypassKey, kind: 'bypass' }],
  };
  const worker = new Worker(WORKER, { workerData: options });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      worker.once('message', (m: { url?: string; error?: unknown }) =>
        m.url ? resolve(m.url) : reject(m.error),
      );
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the demo server's worker exited (${code})`)));
    });
  } catch (err) {
    await worker.terminate();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    logFile,
    bypassKey,
    async stop() {
      worker.postMessage('stop');
      await exited;
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

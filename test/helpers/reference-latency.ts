import { Agent, request } from 'node:http';
import { startDelayServer } from '../../fixtures/known-latency.js';

/** What the reference client saw: how much later than the known delay its answers arrived. */
export interface ReferenceView {
  /** Completed reference requests. */
  count: number;
  /** Largest excess over the known delay, ms. */
  maxExcessMs: number;
  /** Share of reference requests whose excess exceeded `ms`. */
  shareExcessAbove(ms: number): number;
  /** Longest latency seen, ms (against a server with stalls: the longest stall as served here). */
  maxMs: number;
}

/**
 * A bare client's view of a known-latency server in the same process and the same seconds as the
 * measurement under test: plain node:http, one keep-alive connection, one request after another
 * against a server that answers after exactly `delayMs`. On a busy machine timers fire late and
 * sockets are read late; the excess over `delayMs` measures that here and now, so timing
 * assertions can allow for it instead of assuming idle cores.
 */
export async function startLatencyReference(
  options: { delayMs?: number; url?: string } = {},
): Promise<{ stop(): Promise<ReferenceView> }> {
  // With `url`, the reference queries that server (whose answers are due at once) instead of its own.
  const delayMs = options.url ? 0 : (options.delayMs ?? 10);
  const own = options.url ? undefined : await startDelayServer(() => delayMs);
  const server = { url: options.url ?? own!.url };
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const excess: number[] = [];
  let running = true;
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const t0 = performance.now();
      request(`${server.url}/`, { agent }, (res) => {
        res.resume();
        res.once('end', () => {
          excess.push(Math.max(0, performance.now() - t0 - delayMs));
          resolve();
        });
      })
        .once('error', reject)
        .end();
    });
  const loop = (async () => {
    while (running) await once();
  })();
  return {
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      await own?.close();
      return {
        count: excess.length,
        maxExcessMs: Math.max(0, ...excess),
        maxMs: Math.max(0, ...excess) + delayMs,
        shareExcessAbove: (ms) => excess.filter((e) => e > ms).length / Math.max(1, excess.length),
      };
    },
  };
}

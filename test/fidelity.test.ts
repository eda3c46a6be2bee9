import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startDelayServer } from '../fixtures/known-latency.js';
import { type LoadPlan, LoadRunner } from '../src/load/run-load.js';
import { evidenceFromSummary, summarizeLoad } from '../src/load/summarize.js';

/**
 * Latency fidelity against servers with known latency. Tolerances are stated per test; they cover
 * loopback round trips and scheduling on a shared 2-core machine, not the effect being measured.
 */

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()));
  cleanup = [];
});

function plan(url: string, rate: number, seconds: number): LoadPlan {
  return {
    origin: url,
    targets: [{ label: 'GET /', method: 'GET', path: '/', weight: 1 }],
    headers: {},
    model: 'open',
    rate,
    requests: Math.round(rate * seconds),
    connections: 1,
    durationMs: seconds * 1000,
    timeoutMs: 10_000,
    insecure: false,
  };
}

async function measure(p: LoadPlan, warmUp = 0) {
  // Warm-up requests (JIT, connections) are not measured; 50 keeps index-based schedules aligned.
  if (warmUp > 0) await new LoadRunner({ ...p, requests: warmUp }).run();
  const stats = await new LoadRunner(p).run();
  return { stats, evidence: evidenceFromSummary(summarizeLoad(stats, undefined)) };
}

describe('open model against known latency', () => {
  it('a fixed delay D shows as D at every percentile (tolerance +20 ms plus the client’s own lag)', async () => {
    const D = 30;
    const server = await startDelayServer(() => D);
    cleanup.push(server.close);
    const { evidence, stats } = await measure(plan(server.url, 100, 2), 50);
    expect(stats.completed).toBe(200);
    // A stall of this client delays every request due during it, and that is counted (no
    // coordinated omission); the client reports its own lag, so the bound includes it.
    const slack = 20 + evidence.clientLag.maxMs;
    for (const q of [0.5, 0.9, 0.99]) {
      expect(evidence.quantileMs(q)).toBeGreaterThanOrEqual(D);
      expect(evidence.quantileMs(q)).toBeLessThan(D + slack);
    }
    // The server's own X-Latency-MS is recorded beside the client's.
    expect(stats.server.getValueAtPercentile(50) / 1000).toBeCloseTo(D, 0);
  });

  it('a deterministic bimodal schedule gives the known p95 and p99 (tolerance +30 ms plus the client’s lag)', async () => {
    // Exactly 4 % of requests take 200 ms, the rest 10 ms: p95 = 10 ms, p99 = 200 ms.
    const server = await startDelayServer((i) => (i % 50 < 2 ? 200 : 10));
    cleanup.push(server.close);
    const { evidence } = await measure(plan(server.url, 100, 3), 50);
    const slack = evidence.clientLag.maxMs;
    expect(evidence.quantileMs(0.95)).toBeGreaterThanOrEqual(10);
    expect(evidence.quantileMs(0.95)).toBeLessThan(40 + slack);
    expect(evidence.quantileMs(0.99)).toBeGreaterThanOrEqual(200);
    expect(evidence.quantileMs(0.99)).toBeLessThan(230 + slack);
    expect(evidence.shareAbove(100)).toBeCloseTo(0.04, 2);
  });

  it('a server that stalls 1 s every 2 s: corrected p99 matches the CO-free truth (±100 ms)', async () => {
    const bin = fileURLToPath(new URL('../dist/fixtures/stall-server.js', import.meta.url));
    const child = spawn(process.execPath, [bin, '1000', '2000', '20000'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanup.push(async () => {
      child.kill('SIGTERM');
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
      child.once('exit', (code) => reject(new Error(`stall server exited ${code}`)));
    });
    const { evidence, stats } = await measure(plan(url, 200, 6));
    // Arrivals are uniform over the stall phase: with stall S = 1000 ms every P = 2000 ms,
    // P(latency > x) = (S/P)(1 − x/S), so p99 = S(1 − 0.01·P/S) = 980 ms and p95 = 900 ms.
    // A stall of the client itself could only add to the measured values; it is reported as lag.
    const slack = evidence.clientLag.maxMs;
    expect(evidence.quantileMs(0.99)).toBeGreaterThan(880);
    expect(evidence.quantileMs(0.99)).toBeLessThan(1080 + slack);
    expect(evidence.quantileMs(0.95)).toBeGreaterThan(800);
    expect(evidence.quantileMs(0.95)).toBeLessThan(1000 + slack);
    // The uncorrected service time hides the stall for every request that waited in the queue.
    expect(stats.uncorrected.getValueAtPercentile(95) / 1000).toBeLessThan(evidence.quantileMs(0.95) / 2);
  });

  it('a client that falls behind its own schedule is detected and reported', async () => {
    const server = await startDelayServer(() => 0);
    cleanup.push(server.close);
    // Block this process (the client) for 700 ms in the middle of the run.
    setTimeout(() => {
      const until = Date.now() + 700;
      while (Date.now() < until) {
        // the client's event loop is blocked
      }
    }, 300);
    const { evidence } = await measure(plan(server.url, 200, 1));
    expect(evidence.clientLag.behind).toBe(true);
    expect(evidence.clientLag.maxMs).toBeGreaterThan(600);
  });
});

describe('a target that stops answering mid-run', () => {
  it('open model: the run ends one timeout after its schedule, the rest counted as timeouts', async () => {
    const server = await startDelayServer((i) => (i < 20 ? 1 : 60_000));
    cleanup.push(server.close);
    const t0 = performance.now();
    const { stats } = await measure({ ...plan(server.url, 100, 1), timeoutMs: 500 });
    expect(performance.now() - t0).toBeLessThan(1000 + 500 + 1000);
    expect(stats.completed).toBe(100);
    expect(stats.successes).toBe(20);
    expect(stats.transportErrors.TIMEOUT).toBe(80);
  });

  it('closed model: the same bound', async () => {
    const server = await startDelayServer((i) => (i < 20 ? 1 : 60_000));
    cleanup.push(server.close);
    const t0 = performance.now();
    const { stats } = await measure({
      ...plan(server.url, 1, 1),
      model: 'closed',
      connections: 4,
      requests: 1_000_000,
      timeoutMs: 500,
    });
    expect(performance.now() - t0).toBeLessThan(1000 + 500 + 1000);
    expect(stats.successes).toBe(20);
    expect(stats.errors).toBeGreaterThanOrEqual(4);
  });
});

describe('closed model', () => {
  it('sends exactly --requests over --connections', async () => {
    const server = await startDelayServer(() => 1);
    cleanup.push(server.close);
    const p: LoadPlan = { ...plan(server.url, 1, 10), model: 'closed', connections: 4, requests: 300 };
    const { stats } = await measure(p);
    expect(stats.completed).toBe(300);
    expect(stats.connections).toBe(4);
  });
});

import { EventEmitter } from 'node:events';
import { Pool } from 'undici';
import { classifyTransportError } from '../probe/classify-error.js';
import { percentilesMs } from './histogram.js';
import { createLoadStats, type LoadStats, recordOutcome } from './stats.js';

export interface LoadTarget {
  label: string;
  method: string;
  /** Path relative to the origin, with the base path. */
  path: string;
  weight: number;
}

export interface LoadPlan {
  origin: string;
  targets: LoadTarget[];
  headers: Record<string, string>;
  model: 'open' | 'closed';
  /** Open model: arrival rate (req/s). */
  rate: number;
  /** Total requests to send (open: rate × duration, possibly capped by the polite budget). */
  requests: number;
  /** Closed model: concurrent connections. */
  connections: number;
  /** Closed model: stop after this long even if requests remain. */
  durationMs: number;
  timeoutMs: number;
  insecure: boolean;
}

export interface Progress {
  elapsedSec: number;
  sent: number;
  rps: number;
  p99Ms: number;
  errors: number;
}

/** Builds a deterministic weighted round-robin sequence of target indexes. */
export function weightedSequence(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const slots = 100;
  const seq: number[] = [];
  const credit = weights.map(() => 0);
  for (let n = 0; n < slots; n++) {
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      credit[i]! += weights[i]! / total;
      if (credit[i]! > credit[best]!) best = i;
    }
    credit[best]! -= 1;
    seq.push(best);
  }
  return seq;
}

/**
 * Runs the load phase. Emits `start`, `tick` (Progress, once a second) and `done` (LoadStats);
 * nothing is rendered here. Open model: request i is due at t0 + i/rate; its latency counts from
 * that due time (wrk2), so a server stall shows at full size even while the client waits.
 */
export class LoadRunner extends EventEmitter {
  readonly stats: LoadStats;
  private readonly pool: Pool;
  private readonly sequence: number[];

  constructor(private readonly plan: LoadPlan) {
    super();
    const connections =
      plan.model === 'open' ? Math.min(Math.max(Math.ceil(plan.rate / 50), 8), 128) : plan.connections;
    this.stats = createLoadStats(
      plan.model,
      plan.model === 'open' ? plan.rate : undefined,
      connections,
      plan.targets.map((t) => t.label),
    );
    this.sequence = weightedSequence(plan.targets.map((t) => t.weight));
    this.pool = new Pool(plan.origin, {
      connections,
      pipelining: 1,
      headersTimeout: plan.timeoutMs,
      bodyTimeout: plan.timeoutMs,
      keepAliveTimeout: 10_000,
      connect: { timeout: plan.timeoutMs, rejectUnauthorized: !plan.insecure },
    });
  }

  async run(): Promise<LoadStats> {
    const s = this.stats;
    s.startedAt = performance.now();
    this.emit('start', this.plan);
    const ticker = setInterval(() => this.emit('tick', this.progress()), 1000);
    try {
      if (this.plan.model === 'open') await this.runOpen();
      else await this.runClosed();
    } finally {
      clearInterval(ticker);
      s.endedAt = performance.now();
      await this.pool.close().catch(() => undefined);
    }
    this.emit('done', s);
    return s;
  }

  progress(): Progress {
    const s = this.stats;
    const elapsedSec = (performance.now() - s.startedAt) / 1000;
    return {
      elapsedSec,
      sent: s.sent,
      rps: elapsedSec > 0 ? s.completed / elapsedSec : 0,
      p99Ms: percentilesMs(s.client).p99,
      errors: s.errors,
    };
  }

  /**
   * Sends one request through undici's dispatch API (no Readable per response). Service time counts
   * from onRequestStart — when the request is written to a socket — so time spent queued behind
   * busy connections shows in the corrected latency but not in the uncorrected one (wrk2's split).
   */
  private fire(index: number, scheduledAt: number): Promise<void> {
    const s = this.stats;
    const target = this.plan.targets[this.sequence[index % this.sequence.length]!]!;
    s.sent++;
    return new Promise<void>((resolve) => {
      let sentAt = performance.now();
      let status = 0;
      let serverMs: number | undefined;
      let done = false;
      const finish = (errorKind?: string) => {
        if (done) return;
        done = true;
        const end = performance.now();
        recordOutcome(
          s,
          target.label,
          errorKind ? 0 : status,
          errorKind,
          (end - scheduledAt) * 1000,
          (end - sentAt) * 1000,
          serverMs,
        );
        resolve();
      };
      this.pool.dispatch(
        {
          origin: this.plan.origin,
          method: target.method as 'GET',
          path: target.path,
          headers: this.plan.headers,
        },
        {
          onRequestStart() {
            sentAt = performance.now();
          },
          onResponseStart(_controller, statusCode, headers) {
            status = statusCode;
            const raw = headers['x-latency-ms'];
            serverMs = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : undefined;
          },
          onResponseData() {},
          onResponseEnd() {
            finish();
          },
          onResponseError: (_controller, err) => {
            finish(classifyTransportError(err, this.plan.timeoutMs).code);
          },
        },
      );
    });
  }

  private runOpen(): Promise<void> {
    const { rate, requests } = this.plan;
    const s = this.stats;
    const interval = 1000 / rate;
    const t0 = performance.now();
    let i = 0;
    const pending = new Set<Promise<void>>();
    return new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        while (i < requests && t0 + i * interval <= now) {
          const due = t0 + i * interval;
          s.lag.recordValue(Math.max(1, Math.round((now - due) * 1000)));
          const p = this.fire(i, due);
          pending.add(p);
          p.finally(() => pending.delete(p));
          i++;
        }
        if (i < requests) {
          // Schedule from t0 + i·interval, never from "now": timers may fire late, but the plan does not drift.
          setTimeout(tick, Math.max(0, t0 + i * interval - performance.now()));
        } else {
          Promise.allSettled([...pending]).then(() => resolve());
        }
      };
      tick();
    });
  }

  private async runClosed(): Promise<void> {
    const { requests, connections, durationMs } = this.plan;
    const deadline = performance.now() + durationMs;
    let next = 0;
    const worker = async () => {
      while (next < requests && performance.now() < deadline) {
        const index = next++;
        const now = performance.now();
        await this.fire(index, now);
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));
  }
}

import { EventEmitter } from 'node:events';
import { classifyTransportError } from '../probe/classify-error.js';
import { type H1Handler, H1Pool, type H1Request, renderRequest } from './h1/pool.js';
import { percentilesMs } from './histogram.js';
import { IntervalRecorder } from './intervals.js';
import { shardRequestCount } from './shard.js';
import { createLoadStats, type EndpointStats, type LoadStats, recordOutcome } from './stats.js';

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
  /**
   * Open model, sharded: this process sends only request k of the whole schedule with
   * k mod total = index − 1, at its global due time k / rate (src/load/shard.ts).
   */
  segment?: { index: number; total: number };
  /** Closed model: concurrent connections. */
  connections: number;
  /** Closed model: stop after this long even if requests remain. */
  durationMs: number;
  timeoutMs: number;
  insecure: boolean;
  /** Length of one interval of the latency-over-time series (default 1000 ms). */
  intervalMs?: number;
}

/** One settled request, for observers beside the stats (watch windows, Prometheus metrics). */
export type OutcomeObserver = (
  endpoint: string,
  status: number,
  errorKind: string | undefined,
  correctedUs: number,
) => void;

/** Why a run stopped sending before its schedule ended. */
export interface StopReason {
  kind: 'interrupted' | 'aborted' | 'ended';
  detail?: string;
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
/** Per-target state prepared once: the rendered request and the stats bucket (no lookups per request). */
interface PreparedTarget {
  label: string;
  request: H1Request;
  stats: EndpointStats;
}

/** Requests abandoned at the end of a run: classified as timeouts. */
class LoadAbandonedError extends Error {
  override name = 'TimeoutError';
  constructor() {
    super('no response before the end of the run');
  }
}

/**
 * One in-flight request: a small object with prototype methods (no closures per request), the
 * handler of the load client (src/load/h1/), which reads no header objects: it hands over the
 * status and X-Latency-MS only.
 */
class InFlight implements H1Handler {
  sentAt: number;
  status = 0;
  serverMs: number | undefined = undefined;

  constructor(
    private readonly runner: LoadRunner,
    private readonly target: PreparedTarget,
    private readonly scheduledAt: number,
  ) {
    this.sentAt = scheduledAt;
  }

  /** Called when the request is written to a socket: service time starts here. */
  onSent(atMs: number): void {
    this.sentAt = atMs;
  }

  onHead(status: number, latencyMs: number | undefined): void {
    this.status = status;
    this.serverMs = latencyMs;
  }

  onComplete(atMs: number): void {
    this.finish(undefined, atMs);
  }

  onError(err: Error): void {
    this.finish(classifyTransportError(err, this.runner.timeoutMs).code, performance.now());
  }

  private finish(errorKind: string | undefined, end: number): void {
    const correctedUs = (end - this.scheduledAt) * 1000;
    this.runner.intervals.settled(
      this.scheduledAt,
      end,
      errorKind || this.status >= 500 ? 'error' : this.status === 429 ? 'rate-limited' : 'ok',
      correctedUs,
    );
    this.runner.onOutcome?.(this.target.label, errorKind ? 0 : this.status, errorKind, correctedUs);
    recordOutcome(
      this.runner.stats,
      this.target.stats,
      errorKind ? 0 : this.status,
      errorKind,
      correctedUs,
      (end - this.sentAt) * 1000,
      this.serverMs,
    );
    this.runner.settled();
  }
}

export class LoadRunner extends EventEmitter {
  readonly stats: LoadStats;
  readonly timeoutMs: number;
  /** Latency over time: one histogram and counts per interval (src/load/intervals.ts). */
  readonly intervals: IntervalRecorder;
  private readonly pool: H1Pool;
  private readonly sequence: number[];
  private readonly targets: PreparedTarget[];
  private inFlight = 0;
  /** Called when a request settles (closed model: start the next one; open model: detect the end). */
  private onSettled: () => void = () => undefined;
  private abandonTimer: NodeJS.Timeout | undefined;
  /** Set by stop(): no request is sent after it. */
  stopped: (StopReason & { atMs: number; sent: number }) | undefined;
  /** Wakes the open-model scheduler when stop() is called while it sleeps. */
  private wake: () => void = () => undefined;
  /** Optional observer of every settled request (kept out of the stats). */
  onOutcome: OutcomeObserver | undefined;

  constructor(private readonly plan: LoadPlan) {
    super();
    const connections =
      plan.model === 'open' ? Math.min(Math.max(Math.ceil(plan.rate / 50), 8), 128) : plan.connections;
    this.stats = createLoadStats(
      plan.model,
      plan.model === 'open' ? plan.rate / (plan.segment?.total ?? 1) : undefined,
      connections,
      plan.targets.map((t) => t.label),
    );
    this.timeoutMs = plan.timeoutMs;
    this.intervals = new IntervalRecorder(plan.intervalMs);
    this.sequence = weightedSequence(plan.targets.map((t) => t.weight));
    const origin = new URL(plan.origin);
    this.targets = plan.targets.map((t) => ({
      label: t.label,
      request: renderRequest(origin, t.method, t.path, plan.headers),
      stats: this.stats.endpoints.get(t.label)!,
    }));
    this.pool = new H1Pool(origin, { connections, timeoutMs: plan.timeoutMs, insecure: plan.insecure });
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
      clearTimeout(this.abandonTimer);
      s.endedAt = performance.now();
      s.intervals = this.intervals.finish(s.startedAt, s.endedAt);
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

  /** Requests handed to the pool that have not settled yet. */
  get pending(): number {
    return this.inFlight;
  }

  /**
   * Stops sending at once; requests in flight get one timeout to finish, then are abandoned
   * (counted as timeouts). The run then resolves with what was measured.
   */
  stop(reason: StopReason): void {
    if (this.stopped) return;
    this.stopped = {
      ...reason,
      atMs: this.stats.startedAt > 0 ? Math.round(performance.now() - this.stats.startedAt) : 0,
      sent: this.stats.sent,
    };
    this.abandonAfter(this.plan.timeoutMs);
    this.wake();
    this.onSettled();
  }

  /** @internal called by InFlight when its request settled. */
  settled(): void {
    this.inFlight--;
    this.onSettled();
  }

  /**
   * Sends one request through the load client (src/load/h1/pool.ts). Service time counts from onSent — when the request is written to a socket — so time
   * queued behind busy connections shows in the corrected latency but not in the uncorrected one
   * (wrk2's split).
   */
  private fire(index: number, scheduledAt: number, lagUs = 0): void {
    const target = this.targets[this.sequence[index % this.sequence.length]!]!;
    this.stats.sent++;
    this.intervals.dispatched(scheduledAt, lagUs);
    this.inFlight++;
    this.pool.dispatch(target.request, new InFlight(this, target, scheduledAt));
  }

  /**
   * Requests still queued or in flight `ms` after the schedule ended are abandoned (counted as
   * timeouts): otherwise requests queued behind a stalled server would each wait a full timeout
   * on a connection and the run would outlast its duration many times over.
   */
  private abandonAfter(ms: number): void {
    if (this.abandonTimer) return;
    this.abandonTimer = setTimeout(() => {
      if (this.inFlight > 0) this.pool.destroy(new LoadAbandonedError());
    }, ms);
    this.abandonTimer.unref();
  }

  private runOpen(): Promise<void> {
    const { rate, segment } = this.plan;
    const s = this.stats;
    // A shard sends every total-th request of the whole schedule, at that request's global due time.
    const stride = segment?.total ?? 1;
    const first = (segment?.index ?? 1) - 1;
    const requests = shardRequestCount(this.plan.requests, segment);
    const interval = (1000 * stride) / rate;
    const t0 = performance.now() + (first * 1000) / rate;
    let i = 0;
    let timer: NodeJS.Timeout | undefined;
    const done = () => i >= requests || this.stopped !== undefined;
    return new Promise<void>((resolve) => {
      this.onSettled = () => {
        if (done() && this.inFlight === 0) resolve();
      };
      this.wake = () => {
        clearTimeout(timer);
        this.onSettled();
      };
      const tick = () => {
        const now = performance.now();
        while (!done() && t0 + i * interval <= now) {
          const due = t0 + i * interval;
          const lagUs = Math.max(1, Math.round((now - due) * 1000));
          s.lag.recordValue(lagUs);
          this.fire(first + i * stride, due, lagUs);
          i++;
        }
        // Schedule from t0 + i·interval, never from "now": timers may fire late, but the plan does not drift.
        if (!done()) timer = setTimeout(tick, Math.max(0, t0 + i * interval - performance.now()));
        else {
          this.abandonAfter(this.plan.timeoutMs);
          this.onSettled();
        }
      };
      tick();
    });
  }

  private runClosed(): Promise<void> {
    const { requests, connections, durationMs } = this.plan;
    const deadline = performance.now() + durationMs;
    let next = 0;
    return new Promise<void>((resolve) => {
      // Each settled request starts the next one, keeping `connections` requests in flight.
      let closing = false;
      this.onSettled = () => {
        if (next < requests && performance.now() < deadline && !this.stopped) {
          this.fire(next, performance.now());
          next++;
        } else if (this.inFlight === 0) resolve();
        else if (!closing) {
          closing = true;
          this.abandonAfter(this.plan.timeoutMs);
        }
      };
      // A server that stops answering must not hold the run past its duration plus one timeout.
      setTimeout(() => this.abandonAfter(this.plan.timeoutMs), durationMs).unref();
      const initial = Math.min(connections, requests);
      for (; next < initial; next++) this.fire(next, performance.now());
      if (initial === 0) resolve();
    });
  }
}

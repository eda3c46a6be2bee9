import type { Shard } from './shard.js';

/** The load plan as declared (before any polite cap): identical on every shard of one run. */
export interface PlanRecord {
  model: 'open' | 'closed';
  /** Open model: arrival rate of the whole run, req/s. */
  rate?: number;
  /** Requests of the whole run (open: rate × duration). */
  requests: number;
  durationSec: number;
  connections?: number;
  /** Load targets in schedule order with their weights. */
  targets: Array<{ endpoint: string; weight: number }>;
  /** ISO-8601 start of the load phase (--start-at). */
  startAt?: string;
}

/** A load phase that stopped sending before its schedule ended. */
export interface StopRecord {
  /** Milliseconds after the load phase started. */
  atMs: number;
  /** Requests sent by then, of `planned` for this process. */
  sent: number;
  planned: number;
}

/** How the run was executed: the `execution` section of the JSON report. */
export interface ExecutionRecord {
  plan?: PlanRecord;
  /** This report is one shard of a sharded run. */
  shard?: Shard & { probes: boolean };
  /** This report merges the shards of one run. */
  shards?: { total: number; indexes: number[]; probesOn: number[] };
  /** The load phase started after --start-at by this much (ms). */
  startedLateMs?: number;
  /** Ctrl-C (or SIGTERM): partial report. */
  interrupted?: StopRecord & { signal: string; phase: 'probe' | 'load' };
  /** `harden-check watch`: window length, windows printed, burn-rate alerts that fired. */
  watch?: {
    ratePerEndpoint: number;
    windowSec: number;
    windows: number;
    timeScale: number;
    alerts: Array<{ severity: string; slo: string; longSec: number; shortSec: number }>;
  };
  /** --abort-on-fail ended the load phase. */
  aborted?: StopRecord & { check: string; endpoint?: string; requests: number; reason: string };
}

/** Shard 1 of a sharded run sends the probe phase; the others only load (one set of probe checks). */
export function runsProbes(shard: Shard | undefined): boolean {
  return !shard || shard.index === 1;
}

/** The name of what interrupted a run: the CLI aborts with the signal name; other callers may not. */
export function signalName(signal: AbortSignal | undefined): string {
  return typeof signal?.reason === 'string' ? signal.reason : 'abort';
}

/**
 * "420 of 3000 planned requests", or for a closed-model run bounded only by its duration (no
 * request count planned) "88577 requests of a 10 s plan".
 */
export function plannedPhrase(
  stop: { sent: number; planned: number },
  durationSec: number | undefined,
): string {
  if (stop.planned < Number.MAX_SAFE_INTEGER) return `${stop.sent} of ${stop.planned} planned requests`;
  return `${stop.sent} requests${durationSec !== undefined ? ` of a ${durationSec} s plan` : ''}`;
}

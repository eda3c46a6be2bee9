import type { RunOptions } from '../config/options.js';
import { type ExecutionRecord, plannedPhrase, runsProbes, signalName } from '../load/execution.js';
import type { LoadPhaseResult } from '../load/load-phase.js';
import type { CheckDef } from '../checks/define.js';
import type { Shard } from '../load/shard.js';
import type { CheckResult, Report } from '../types.js';

/** The report's `execution` section of one run, or undefined when there is nothing to say. */
export function executionRecord(
  options: RunOptions,
  load: LoadPhaseResult | undefined,
): ExecutionRecord | undefined {
  const record: ExecutionRecord = { ...(load?.execution ?? {}) };
  if (options.shard) record.shard = { ...options.shard, probes: runsProbes(options.shard) };
  if (options.signal?.aborted && !record.interrupted) {
    // Interrupted before the load phase sent anything (during the probe phase or the wait for --start-at).
    record.interrupted = {
      signal: signalName(options.signal),
      phase: load ? 'load' : 'probe',
      atMs: 0,
      sent: 0,
      planned: record.plan?.requests ?? 0,
    };
  }
  return Object.keys(record).length > 0 ? record : undefined;
}

/** Why the load data is partial, or undefined when the plan ran to its end. */
export function cutShort(execution: ExecutionRecord | undefined): string | undefined {
  const stop = execution?.interrupted ?? execution?.aborted;
  if (!stop) return undefined;
  const how = execution?.interrupted
    ? `the run was interrupted (${execution.interrupted.signal})`
    : `the load phase was aborted early (${execution?.aborted?.check} failed)`;
  return `${how} after ${plannedPhrase(stop, execution?.plan?.durationSec)}`;
}

/**
 * A load phase that stopped early proves failures (the sample rule holds on any prefix of the run)
 * but not passes: slo passes become inconclusive warnings naming why, keeping what was measured.
 */
export function markCutShort(results: CheckResult[], execution: ExecutionRecord | undefined): CheckResult[] {
  const why = cutShort(execution);
  if (!why) return results;
  return results.map((r) =>
    r.category === 'slo' && r.status === 'pass'
      ? { ...r, status: 'warn', message: `inconclusive: ${why} (so far: ${r.message})` }
      : r,
  );
}

/** The report's `slo` section: the run's targets, with per-endpoint targets where configured. */
export function sloSection(options: RunOptions): Report['slo'] {
  return Object.keys(options.endpointSlo).length > 0
    ? { ...options.slo, endpoints: options.endpointSlo }
    : options.slo;
}

/** Checks the configuration enabled but a shard other than 1 leaves to shard 1: skipped, saying so. */
export function skippedOnShard(
  skipped: Map<string, CheckResult>,
  configured: readonly CheckDef[],
  run: readonly CheckDef[],
  shard: Shard | undefined,
): Map<string, CheckResult> {
  if (!shard) return skipped;
  for (const c of configured)
    if (!run.includes(c))
      skipped.set(c.id, {
        id: c.id,
        category: c.category,
        status: 'skip',
        message: `probe checks run on shard 1 only; this is shard ${shard.index}/${shard.total}`,
      });
  return skipped;
}

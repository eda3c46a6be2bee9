import { judgedReportHead } from '../engine/report-head.js';
import type { CheckContext } from '../checks/define.js';
import { toResults } from '../checks/define.js';
import { SLO_CHECKS } from '../checks/slo.js';
import { markCutShort } from '../engine/execution-report.js';
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  type Histogram,
  percentilesMs,
} from '../load/histogram.js';
import type { IntervalSeries } from '../load/intervals.js';
import { evidenceFromSummary } from '../load/summarize.js';
import type { CheckResult, LatencySummary, Report, SloTargets } from '../types.js';
import { mergeIntervals } from './merge-intervals.js';
import { mergeExecution } from './shards.js';

function addInto(target: Histogram, base64: string | undefined): void {
  if (typeof base64 === 'string' && base64.length > 0) target.add(decodeHistogram(base64));
}

function sumRecords(records: Array<Record<string, number> | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) for (const [k, v] of Object.entries(r ?? {})) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** Merges `latency` sections exactly: HDR histograms are added bucket by bucket, counts summed. */
export function mergeLatency(sections: LatencySummary[]): LatencySummary {
  const client = createHistogram();
  const uncorrected = createHistogram();
  const server = createHistogram();
  const endpoints = new Map<
    string,
    { h: Histogram; requests: number; errors: number; successes: number; rateLimited: number }
  >();
  for (const s of sections) {
    addInto(client, s.histogram);
    addInto(uncorrected, s.uncorrectedHistogram as string | undefined);
    addInto(server, s.serverHistogram as string | undefined);
    for (const [label, ep] of Object.entries(
      (s.endpoints ?? {}) as Record<
        string,
        { histogram: string; requests: number; errors: number; successes?: number; rateLimited?: number }
      >,
    )) {
      let m = endpoints.get(label);
      if (!m) {
        m = { h: createHistogram(), requests: 0, errors: 0, successes: 0, rateLimited: 0 };
        endpoints.set(label, m);
      }
      addInto(m.h, ep.histogram);
      m.requests += ep.requests;
      m.errors += ep.errors;
      m.successes += ep.successes ?? ep.requests - ep.errors;
      m.rateLimited += ep.rateLimited ?? 0;
    }
  }
  const sum = (k: 'requests' | 'errors' | 'rateLimited') => sections.reduce((a, s) => a + s[k], 0);
  const lags = sections.map((s) => (s.clientLagMs ?? { p99: 0, max: 0 }) as { p99: number; max: number });
  const notes = sections.map((s) => s.politeNote).filter((n): n is string => typeof n === 'string');
  const intervals = mergeIntervals(
    sections.map((s) => s.intervals as IntervalSeries | undefined).filter((i) => i !== undefined),
  );
  return {
    requests: sum('requests'),
    errors: sum('errors'),
    rateLimited: sum('rateLimited'),
    // Machines ran in parallel: their throughputs add up.
    throughputRps: Math.round(sections.reduce((a, s) => a + s.throughputRps, 0) * 10) / 10,
    clientMs: percentilesMs(client),
    // Only sections that carried X-Latency-MS add to `server`; none did: no server percentiles.
    ...(server.totalCount > 0 ? { serverMs: percentilesMs(server) } : {}),
    histogram: encodeHistogram(client),
    model: sections[0]?.model ?? 'open',
    requestedRps: sections.every((s) => typeof s.requestedRps === 'number')
      ? sections.reduce((a, s) => a + (s.requestedRps as number), 0)
      : null,
    durationSec: Math.max(...sections.map((s) => Number(s.durationSec ?? 0))),
    uncorrectedMs: percentilesMs(uncorrected),
    uncorrectedHistogram: encodeHistogram(uncorrected),
    ...(server.totalCount > 0 ? { serverHistogram: encodeHistogram(server) } : {}),
    statusCodes: sumRecords(sections.map((s) => s.statusCodes as Record<string, number> | undefined)),
    transportErrors: sumRecords(sections.map((s) => s.transportErrors as Record<string, number> | undefined)),
    successes: sections.reduce((a, s) => a + Number(s.successes ?? s.requests - s.rateLimited - s.errors), 0),
    clientLagMs: { p99: Math.max(0, ...lags.map((l) => l.p99)), max: Math.max(0, ...lags.map((l) => l.max)) },
    ...(notes.length ? { politeNote: notes[0] } : {}),
    mergedFrom: sections.length,
    ...(intervals ? { intervals } : {}),
    endpoints: Object.fromEntries(
      [...endpoints].map(([label, m]) => [
        label,
        {
          requests: m.requests,
          errors: m.errors,
          successes: m.successes,
          rateLimited: m.rateLimited,
          clientMs: percentilesMs(m.h),
          histogram: encodeHistogram(m.h),
        },
      ]),
    ),
  };
}

/**
 * Merges reports from several machines: latency merged exactly, SLO checks re-evaluated on the
 * merged data, other checks kept once each (identical findings from several machines collapse).
 */
export function mergeReports(
  reports: Report[],
  options: {
    slo?: SloTargets;
    strict?: boolean;
    endpointSlo?: Record<string, Partial<SloTargets>>;
    /** File names, for errors about shards. */
    names?: readonly string[];
  } = {},
): Report {
  const execution = mergeExecution(reports, options.names);
  const { endpoints: recorded, ...firstSlo } = reports[0]!.slo;
  const slo = options.slo ?? firstSlo;
  const endpointSlo = options.endpointSlo ?? recorded ?? {};
  const seen = new Set<string>();
  const kept: CheckResult[] = [];
  for (const r of reports) {
    for (const c of r.checks) {
      if (c.category === 'slo') continue;
      const key = `${c.id}|${c.endpoint ?? ''}|${c.status}|${c.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        kept.push(c);
      }
    }
  }
  const sections = reports.map((r) => r.latency).filter((l): l is LatencySummary => l !== undefined);
  const latency = sections.length > 0 ? mergeLatency(sections) : undefined;
  const ctx = {
    exchanges: [],
    slo,
    endpointSlo,
    ...(latency ? { latency: evidenceFromSummary(latency) } : {}),
  } as unknown as CheckContext;
  const sloResults = markCutShort(
    SLO_CHECKS.flatMap((check) => toResults(check, check.evaluate(ctx))),
    execution,
  );
  const checks = [...kept, ...sloResults];
  const targets = [...new Set(reports.map((r) => r.target))];
  const started = reports.map((r) => r.startedAt).sort()[0]!;
  return {
    ...judgedReportHead(
      {
        target: targets.join(', '),
        startedAt: started,
        durationMs: Math.max(...reports.map((r) => r.durationMs)),
        strict: options.strict ?? false,
      },
      checks,
    ),
    ...(reports[0]!.endpoints ? { endpoints: reports[0]!.endpoints } : {}),
    ...(latency ? { latency } : {}),
    slo: Object.keys(endpointSlo).length > 0 ? { ...slo, endpoints: endpointSlo } : slo,
    ...(execution ? { execution } : {}),
  };
}

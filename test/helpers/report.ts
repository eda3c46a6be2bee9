import { decideVerdict, summarize } from '../../src/engine/verdict.js';
import type { CheckResult, Report } from '../../src/types.js';

/** A report as harden-check writes it, around the given checks (summary and verdict derived). */
export function testReport(checks: CheckResult[], extra: Partial<Report> = {}): Report {
  return {
    schemaVersion: 1,
    tool: 'harden-check',
    version: '0.1.0',
    rulesVersion: 'test',
    target: 'http://127.0.0.1:9',
    startedAt: new Date(0).toISOString(),
    durationMs: 10,
    verdict: decideVerdict(checks, false),
    summary: summarize(checks),
    checks,
    slo: { p95Ms: 100, p99Ms: 500, errorRate: 0.001, availability: 0.999 },
    ...extra,
  };
}

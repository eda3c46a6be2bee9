import type { Category, CheckResult, Exchange, LatencySummary, SloTargets, Status } from '../types.js';

/** Kinds of probe traffic a check needs; the probe plan is the union over enabled checks. */
export type ProbeNeed =
  | 'endpoints'
  | 'repeat'
  | 'not-found'
  | 'wrong-method'
  | 'malformed-json'
  | 'echo-id'
  | 'hostile-id'
  | 'cors'
  | 'health'
  | 'log-canary'
  | 'rl-probe'
  | 'load';

/** What a check's evaluator may read: recorded data only, never the network. */
export interface CheckContext {
  exchanges: readonly Exchange[];
  target: URL;
  /** Validates an error body against the error schema; returns the first problem or undefined. */
  validateErrorBody: (body: unknown) => string | undefined;
  errorSchemaName: string;
  /** Expected policy limit for an endpoint label (`METHOD /path`), or undefined when unknown. */
  expectedLimit: (endpoint: string) => { policy: string; limit: number; windowSec: number } | undefined;
  /** Endpoints the config allows to be cacheable (`checks.cacheable`). */
  cacheable: readonly string[];
  /** Require the X-RateLimit-* fields even when the IETF fields are present. */
  requireLegacyRateLimitHeaders: boolean;
  /** Whether --rate-limit-probe ran, and why not when it could not. */
  rateLimitProbe: { ran: boolean; reason?: string; perIp?: { ran: boolean; reason?: string } };
  /** Text the target logged during the run (from --log-file/--log-command), with the canaries sent. */
  logs?: { source: string; text: string; canaries: Record<string, string>; requestIds: string[] };
  slo: SloTargets;
  /** Per-endpoint SLO targets from the config (endpoint label → targets). */
  endpointSlo: Record<string, Partial<SloTargets>>;
  latency?: LatencyEvidence;
  /** Why no load phase ran although the slo checks asked for one (budget spent, nothing measurable). */
  loadNotRun?: string;
  /** Where the endpoints came from and the OpenAPI operations the run left out. */
  endpointPlan?: {
    source: string;
    leftOut: ReadonlyArray<{ operation: string; reason: string }>;
    /** The URL's base path and the spec's server URL, for the hint on a 404 from a spec endpoint. */
    basePath: string;
    serverUrl?: string;
  };
}

/** What the load phase hands to the slo checks. */
export interface LatencyEvidence {
  summary: LatencySummary;
  /** Corrected (from scheduled time) latency, in ms, for a quantile; per endpoint when asked. */
  quantileMs: (q: number, endpoint?: string) => number;
  /** Share of requests whose corrected latency exceeded `ms`. */
  shareAbove: (ms: number, endpoint?: string) => number;
  count: (endpoint?: string) => number;
  errors: (endpoint?: string) => number;
  successes: (endpoint?: string) => number;
  /** How far the client fell behind its own schedule (ms), and whether that taints latency verdicts. */
  clientLag: { maxMs: number; behind: boolean };
  endpoints: string[];
}

/** A verdict before its message is rendered: message id plus data, as ESLint rules report. */
export interface Finding {
  status: Status;
  messageId: string;
  data?: Record<string, unknown>;
  endpoint?: string;
  expected?: unknown;
  actual?: unknown;
}

/** A check: metadata (also used to generate docs/checks.md) plus one pure evaluator. */
export interface CheckDef {
  id: string;
  category: Category;
  /** Severity of a failure of this rule: `error` fails the run, `warning` only ever warns. */
  severity: 'error' | 'warning';
  title: string;
  /** The rule, one or two sentences. */
  rule: string;
  why: string;
  /** How to fix it in common stacks (markdown). */
  fix: string;
  /** Standards and references (RFCs, drafts and the implementations they were checked against). */
  source: string;
  /**
   * The grammar each parsed field or body is read by (RFC sections, WHATWG algorithms), stated in
   * docs/checks.md; absent for rules that read no HTTP field.
   */
  grammar?: string;
  needs: readonly ProbeNeed[];
  messages: Record<string, string>;
  evaluate(ctx: CheckContext): Finding[];
}

/** Fills `{name}` placeholders of a message template. */
export function interpolate(template: string, data: Record<string, unknown> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => (key in data ? String(data[key]) : m));
}

/** Renders findings into report results; a warning-severity check never reports `fail`. */
export function toResults(check: CheckDef, findings: Finding[]): CheckResult[] {
  return findings.map((f) => {
    const template = check.messages[f.messageId];
    if (template === undefined)
      throw new Error(`check ${check.id} reported unknown message id "${f.messageId}"`);
    const status: Status = f.status === 'fail' && check.severity === 'warning' ? 'warn' : f.status;
    return {
      id: check.id,
      category: check.category,
      status,
      ...(f.endpoint ? { endpoint: f.endpoint } : {}),
      message: interpolate(template, { endpoint: f.endpoint ?? '', ...f.data }),
      ...(f.expected !== undefined ? { expected: f.expected } : {}),
      ...(f.actual !== undefined ? { actual: f.actual } : {}),
    };
  });
}

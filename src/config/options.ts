import type { Shard } from '../load/shard.js';
import type { Category, Endpoint, SloTargets } from '../types.js';
import type { LeftOutOperation } from './openapi-endpoints.js';
import type { PolicyRule } from './policies.js';

/** Where a run's endpoints came from (the report says so). */
export interface EndpointSource {
  kind: 'default' | 'configured' | 'openapi' | 'discovered';
  /** Human-readable origin: `--endpoint`, the config file, or the OpenAPI document's location. */
  detail: string;
}

export interface PolicyExpectation {
  name: string;
  limit: number;
  windowSec: number;
}

/** Everything one run needs, after defaults, file and flags are merged and validated. */
export interface RunOptions {
  target: string;
  /** Endpoint paths are relative to the target's path (its base path). */
  endpoints: Array<Endpoint & { weight?: number; fromSpec?: boolean }>;
  /** Where the endpoints came from; `default` lets the run look for an OpenAPI document on the target. */
  endpointSource: EndpointSource;
  /** Operations of an OpenAPI document the run leaves out, each with the reason. */
  leftOut: LeftOutOperation[];
  /** Sent with every request (from --header / config headers). */
  headers: Record<string, string>;
  /** Sent with load-phase requests only (e.g. a rate-limit bypass key). */
  loadHeaders: Record<string, string>;
  /** Header values to redact from every report. */
  secrets: string[];
  categories: Category[] | undefined;
  /** Check ids given to --checks (beside categories); undefined when none. */
  checkIds: string[] | undefined;
  skip: string[];
  cacheable: string[];
  slo: SloTargets;
  endpointSlo: Record<string, Partial<SloTargets>>;
  policies: Record<string, PolicyExpectation | 'none'>;
  /** The config's `policies` entries as written, applied again when endpoints are discovered. */
  policyRules: PolicyRule[];
  requireLegacyRateLimitHeaders: boolean;
  rateLimitProbe: boolean;
  waitForReset: boolean;
  sourceAddresses: string[];
  load: {
    rate: number;
    durationSec: number;
    connections: number | undefined;
    requests: number | undefined;
    polite: boolean;
    /** Length of one interval of the latency-over-time series, seconds. */
    intervalSec: number;
    /** End the load phase as soon as an SLO verdict is conclusively failed (src/load/abort.ts). */
    abortOnFail: boolean;
    /** No --duration/--requests given: the plan is sized by the sample rule of the enabled SLO checks. */
    autoSize: boolean;
  };
  /** This process's execution segment of the load schedule (--shard). */
  shard?: Shard;
  /** Wall-clock start of the load phase, epoch ms (--start-at), so that shards start together. */
  startAtMs?: number;
  /** Aborted on Ctrl-C: the load phase stops sending and the report is marked interrupted. */
  signal?: AbortSignal;
  health: { liveness: string; readiness: string };
  timeoutMs: number;
  insecure: boolean;
  strict: boolean;
  errorSchema: { name: string; schema: Record<string, unknown> } | undefined;
  logFile: string | undefined;
  logCommand: string | undefined;
  /** Progress display on stderr during the load phase. */
  onProgress?: (p: { elapsedSec: number; sent: number; rps: number; p99Ms: number; errors: number }) => void;
  /** Diagnostics for stderr (e.g. what the rate-limit probe will send). */
  onNotice?: (line: string) => void;
}

export const DEFAULT_SLO: SloTargets = { p95Ms: 100, p99Ms: 500, errorRate: 0.001, availability: 0.999 };

/**
 * With no endpoint configured, the URL's own path (`/` relative to the base path) is probed; the
 * engine adds the GET operations of an OpenAPI document served at a conventional location.
 */
export const DEFAULT_ENDPOINTS: readonly Endpoint[] = [{ method: 'GET', path: '/' }];

/** Where OpenAPI documents are conventionally served (FastAPI, springdoc, Swagger tooling). */
export const OPENAPI_LOCATIONS = ['/openapi.json', '/openapi.yaml', '/v3/api-docs', '/swagger.json'];

/** Default open-model arrival rate of the load phase, req/s. */
export const DEFAULT_RATE = 50;

export const DEFAULT_TIMEOUT_MS = 10_000;

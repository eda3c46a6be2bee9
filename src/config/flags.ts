/** Flags as the CLI (or a programmatic caller) passes them; all optional, merged over the config file. */
export interface Flags {
  config?: string;
  endpoint?: string[];
  /** Where `endpoint` came from when not from --endpoint (e.g. the demo's own route list), for the report. */
  endpointSource?: string;
  openapi?: string;
  header?: string[];
  loadHeader?: string[];
  checks?: string;
  skip?: string;
  sloP95?: number;
  sloP99?: number;
  sloErrorRate?: number;
  sloAvailability?: number;
  rate?: number;
  duration?: number;
  connections?: number;
  requests?: number;
  polite?: boolean;
  interval?: number;
  rateLimitProbe?: boolean;
  waitForReset?: boolean;
  sourceAddress?: string[];
  timeout?: number;
  insecure?: boolean;
  strict?: boolean;
  errorSchema?: string;
  logFile?: string;
  logCommand?: string;
  /** `I/N` or `auto` (src/load/shard.ts). */
  shard?: string;
  shardTotal?: number;
  /** ISO-8601 instant at which the load phase starts. */
  startAt?: string;
  abortOnFail?: boolean;
}

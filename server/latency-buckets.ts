/**
 * Buckets of http_request_duration_seconds (s): they bracket the SLO thresholds (100 ms, 500 ms)
 * so histogram_quantile is accurate there and `le` ratios can express those SLOs exactly.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

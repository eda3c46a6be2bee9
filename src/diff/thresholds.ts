import { HardenError } from '../errors.js';

/** Percentiles the regression gate can compare, with their quantile. */
export const GATE_PERCENTILES = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99, p999: 0.999 } as const;
export type GatePercentile = keyof typeof GATE_PERCENTILES;

/** How much a percentile may grow before it is a regression: a share of the old value, or ms. */
export type Threshold = { kind: 'percent'; value: number } | { kind: 'ms'; value: number };

/** Defaults (docs/diff.md): the median and the tail may each grow by 20 %. */
export const DEFAULT_THRESHOLDS: Partial<Record<GatePercentile, Threshold>> = {
  p50: { kind: 'percent', value: 20 },
  p95: { kind: 'percent', value: 20 },
  p99: { kind: 'percent', value: 20 },
};

/**
 * Parses `--max-regression` values such as `p99=20%`, `p95=15ms` or `p99=20%,p50=off`
 * (repeatable); named percentiles override the defaults, `off` removes one.
 */
export function parseThresholds(values: readonly string[]): Partial<Record<GatePercentile, Threshold>> {
  const out = { ...DEFAULT_THRESHOLDS };
  for (const item of values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)) {
    const m = /^(p50|p90|p95|p99|p999)=(?:(\d+(?:\.\d+)?)(%|ms)|(off))$/.exec(item);
    if (!m)
      throw new HardenError(
        'USAGE',
        `--max-regression: "${item}" is not PERCENTILE=N% or PERCENTILE=Nms (percentiles: ${Object.keys(GATE_PERCENTILES).join(', ')}), e.g. p99=20%`,
      );
    const key = m[1] as GatePercentile;
    if (m[4]) delete out[key];
    else out[key] = { kind: m[3] === '%' ? 'percent' : 'ms', value: Number(m[2]) };
  }
  return out;
}

/** `20%` or `15 ms`. */
export function describeThreshold(t: Threshold): string {
  return t.kind === 'percent' ? `${t.value}%` : `${t.value} ms`;
}

/** Result of Holt's linear trend (double exponential smoothing) over a series. */
export interface HoltForecast {
  level: number;
  trend: number;
  forecast: number[];
  /** Root-mean-square of one-step-ahead errors over the fitted series. */
  rmse: number;
}

/**
 * Holt's linear trend method: level ℓ and trend b are smoothed with α and β;
 * ŷ(t+h) = ℓ + h·b. Needs at least two points.
 */
export function holtForecast(
  series: readonly number[],
  horizon: number,
  alpha = 0.5,
  beta = 0.3,
): HoltForecast {
  if (series.length < 2) throw new RangeError('at least two points are needed');
  let level = series[0]!;
  let trend = series[1]! - series[0]!;
  let squared = 0;
  for (let t = 1; t < series.length; t++) {
    const y = series[t]!;
    const predicted = level + trend;
    squared += (y - predicted) ** 2;
    const prevLevel = level;
    level = alpha * y + (1 - alpha) * (level + trend);
    trend = beta * (level - prevLevel) + (1 - beta) * trend;
  }
  const forecast: number[] = [];
  for (let h = 1; h <= horizon; h++) forecast.push(level + h * trend);
  return { level, trend, forecast, rmse: Math.sqrt(squared / (series.length - 1)) };
}

/** Grid search of α, β minimising one-step error: the CPU-heavy part of /v1/ai/forecast. */
export function fitHolt(
  series: readonly number[],
  horizon: number,
): HoltForecast & { alpha: number; beta: number } {
  let best = { ...holtForecast(series, horizon), alpha: 0.5, beta: 0.3 };
  for (let a = 0.05; a <= 0.951; a += 0.05) {
    for (let b = 0.05; b <= 0.951; b += 0.05) {
      const r = holtForecast(series, horizon, a, b);
      if (r.rmse < best.rmse)
        best = { ...r, alpha: Math.round(a * 100) / 100, beta: Math.round(b * 100) / 100 };
    }
  }
  return best;
}

const BARS = '▁▂▃▄▅▆▇█';

/**
 * A one-line chart of a series: one block character per point, scaled from 0 to the series'
 * largest value. Longer series are folded into `width` points, each the largest (`max`) or mean
 * (`mean`) of the points it covers, so a one-interval spike survives folding.
 */
export function sparkline(values: readonly number[], width = 60, fold: 'max' | 'mean' = 'max'): string {
  if (values.length === 0) return '';
  const points: number[] = [];
  const per = Math.max(1, Math.ceil(values.length / width));
  for (let i = 0; i < values.length; i += per) {
    const part = values.slice(i, i + per);
    points.push(fold === 'max' ? Math.max(...part) : part.reduce((a, b) => a + b, 0) / part.length);
  }
  const top = Math.max(...points);
  if (!(top > 0)) return BARS[0]!.repeat(points.length);
  return points.map((v) => BARS[Math.min(7, Math.max(0, Math.round((v / top) * 7)))]!).join('');
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Seconds in a duration: a plain number of seconds, or a number with ms, s, m, h or d
 * (`90s`, `250ms`, `15m`, `1.5h`); NaN when `value` is neither. The one parser of `--for` and
 * `--duration` (no imports: the option definitions load it for every command).
 */
export function durationSeconds(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  return m ? Number(m[1]) * UNIT_SECONDS[m[2] ?? 's']! : Number.NaN;
}

import { HardenError } from '../errors.js';

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 };

/** Parses `--for`: a number of seconds, or a number with ms, s, m, h or d (`90s`, `15m`, `1.5h`). */
export function parseDurationSec(value: string, flag = '--for'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  const seconds = m ? Number(m[1]) * UNIT_SECONDS[m[2] ?? 's']! : Number.NaN;
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 366 * 86_400)
    throw new HardenError('USAGE', `${flag}: "${value}" is not a duration such as 90s, 15m or 2h`);
  return seconds;
}

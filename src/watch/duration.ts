import { durationSeconds } from '../cli/duration.js';
import { HardenError } from '../errors.js';

export { durationSeconds };

/** Parses `--for`: a positive duration up to 366 days (see durationSeconds); a USAGE error otherwise. */
export function parseDurationSec(value: string, flag = '--for'): number {
  const seconds = durationSeconds(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 366 * 86_400)
    throw new HardenError('USAGE', `${flag}: "${value}" is not a duration such as 90s, 15m or 2h`);
  return seconds;
}

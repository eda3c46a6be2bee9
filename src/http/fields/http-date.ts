/**
 * HTTP-date (RFC 9110 §5.6.7, https://www.rfc-editor.org/rfc/rfc9110#section-5.6.7):
 * the preferred IMF-fixdate and the two obsolete forms every recipient MUST accept (RFC 850 and
 * ANSI C asctime). Nothing else is a date: not `5 GMT`, not `Nov 30 2026 18:27:18 GMT`, not ISO 8601.
 * The grammar is case-sensitive.
 */
import type { Parsed } from './field-lines.js';

export type HttpDateForm = 'imf-fixdate' | 'rfc850' | 'asctime';

export interface HttpDate {
  /** Milliseconds since the epoch (UTC). */
  epochMs: number;
  form: HttpDateForm;
}

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const DAY_L = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
// IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT; date1 = day SP month SP year
const IMF = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
// rfc850-date = day-name-l "," SP date2 SP time-of-day SP GMT; date2 = day "-" month "-" 2DIGIT
const RFC850 = new RegExp(`^${DAY_L}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
// asctime-date = day-name SP date3 SP time-of-day SP year; date3 = month SP ( 2DIGIT / ( SP DIGIT ) )
const ASCTIME = new RegExp(`^${DAY} ${MONTH} (\\d{2}| \\d) ${TIME} (\\d{4})$`);

function build(
  year: number,
  month: string,
  day: number,
  h: string,
  m: string,
  s: string,
  form: HttpDateForm,
  raw: string,
): Parsed<HttpDate> {
  const mon = MONTHS.indexOf(month);
  const [hh, mm, ss] = [Number(h), Number(m), Number(s)];
  // time-of-day: hour 00-23, minute 00-59, second 00-60 (a leap second is allowed).
  const ms = Date.UTC(year, mon, day, hh, mm, Math.min(ss, 59)) + (ss === 60 ? 1000 : 0);
  const valid = new Date(Date.UTC(year, mon, day)).getUTCDate() === day;
  if (!valid || hh > 23 || mm > 59 || ss > 60)
    return { value: undefined, problems: [`"${raw.slice(0, 40)}" names no real instant`] };
  return { value: { epochMs: ms, form }, problems: [] };
}

/**
 * Parses an HTTP-date. RFC 850 two-digit years are read as RFC 9110 requires: a year that would
 * lie more than 50 years after `nowMs` is the most recent past year with those digits.
 */
export function parseHttpDate(value: string, nowMs: number = Date.now()): Parsed<HttpDate> {
  const v = value.replace(/^[ \t]+|[ \t]+$/g, '');
  let m = IMF.exec(v);
  if (m) return build(Number(m[3]), m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!, 'imf-fixdate', v);
  m = RFC850.exec(v);
  if (m) {
    const nowYear = new Date(nowMs).getUTCFullYear();
    let year = Math.floor(nowYear / 100) * 100 + Number(m[3]);
    if (year > nowYear + 50) year -= 100;
    return build(year, m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!, 'rfc850', v);
  }
  m = ASCTIME.exec(v);
  if (m) return build(Number(m[6]), m[1]!, Number(m[2]!.trim()), m[3]!, m[4]!, m[5]!, 'asctime', v);
  return {
    value: undefined,
    problems: [`"${v.slice(0, 40)}" is not an HTTP-date (IMF-fixdate, RFC 850 or asctime, RFC 9110 §5.6.7)`],
  };
}

/**
 * Whole non-negative decimal numbers as HTTP writes them: `1*DIGIT`, the grammar of
 * delay-seconds (RFC 9110 §10.2.3) and delta-seconds (RFC 9111 §1.2.2), also used by the
 * contract's X-Latency-MS. No sign, no decimal point, no unit, no surrounding text.
 */
import type { Parsed } from './field-lines.js';

const DIGITS = /^[0-9]+$/;

/** Parses `1*DIGIT` (surrounding whitespace allowed, as field values are trimmed, RFC 9110 §5.5). */
export function parseDigits(value: string, what = 'the value'): Parsed<number> {
  const v = value.replace(/^[ \t]+|[ \t]+$/g, '');
  if (DIGITS.test(v)) return { value: Number(v), problems: [] };
  const hint = /^[0-9]+\.[0-9]+$/.test(v)
    ? ' (fractional)'
    : /^-[0-9]+$/.test(v)
      ? ' (negative)'
      : /^[0-9]+\s*[a-z]+$/i.test(v)
        ? ' (has a unit)'
        : '';
  return {
    value: undefined,
    problems: [`${what} "${v.slice(0, 30)}" is not a non-negative integer${hint}`],
  };
}

/** True when `value` is exactly `1*DIGIT` (no whitespace). */
export function isDigits(value: string): boolean {
  return DIGITS.test(value);
}

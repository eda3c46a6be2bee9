/**
 * Retry-After (RFC 9110 §10.2.3, https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3):
 * `Retry-After = HTTP-date / delay-seconds`, delay-seconds = 1*DIGIT.
 */
import { type FieldMap, type Parsed, singletonField } from './field-lines.js';
import { parseDigits } from './digits.js';
import { type HttpDateForm, parseHttpDate } from './http-date.js';

export type RetryAfter =
  | { kind: 'delay-seconds'; seconds: number; raw: string }
  | { kind: 'http-date'; epochMs: number; form: HttpDateForm; raw: string };

/** Parses one Retry-After value; a fractional or otherwise malformed value is a problem, not a guess. */
export function parseRetryAfter(value: string): Parsed<RetryAfter> {
  const raw = value.replace(/^[ \t]+|[ \t]+$/g, '');
  const delay = parseDigits(raw, 'Retry-After');
  if (delay.value !== undefined)
    return { value: { kind: 'delay-seconds', seconds: delay.value, raw }, problems: [] };
  const date = parseHttpDate(raw);
  if (date.value) return { value: { kind: 'http-date', ...date.value, raw }, problems: [] };
  const fractional = /^[0-9]+\.[0-9]+$/.test(raw);
  return {
    value: undefined,
    problems: [
      `Retry-After "${raw.slice(0, 40)}" is neither delay-seconds nor an HTTP-date${fractional ? ' (fractional seconds)' : ''}`,
    ],
  };
}

/** The Retry-After of a response (its first line; a repeat is noted as a problem), or undefined when absent. */
export function retryAfter(
  fields: FieldMap,
): (Parsed<RetryAfter> & { raw: string; fractional: boolean }) | undefined {
  const field = singletonField(fields, 'retry-after');
  if (!field) return undefined;
  const parsed = parseRetryAfter(field.first);
  const problems = [...parsed.problems];
  if (field.repeated) problems.push(`Retry-After sent ${field.lines.length} times`);
  const raw = field.first.trim();
  return { ...parsed, problems, raw, fractional: /^[0-9]+\.[0-9]+$/.test(raw) };
}

/** Seconds from `nowSec` until the Retry-After instant (delay-seconds as is). */
export function retryAfterSeconds(r: RetryAfter, nowSec: number): number {
  return r.kind === 'delay-seconds' ? r.seconds : Math.round(r.epochMs / 1000 - nowSec);
}

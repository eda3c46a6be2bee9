import type { Report } from '../types.js';

/** The report formats of `--format` and `--report FORMAT=FILE`. */
export type Format = 'text' | 'json' | 'junit' | 'markdown' | 'html';
export const FORMATS: readonly Format[] = ['text', 'json', 'junit', 'markdown', 'html'];

export interface FormatOptions {
  /** Colour for the text format; decided once by the caller from the target stream. */
  color: boolean;
  /** Text only: just the flagged checks and the verdict line (`--quiet`). */
  quiet?: boolean;
}

/** A formatter is a pure function of the report; writing it anywhere is the caller's job. */
export type Formatter = (report: Report, options: FormatOptions) => string;

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

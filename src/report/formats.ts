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

/**
 * The formatter of one format, imported on first use so that a run loads only the formats it
 * writes (the HTML chart code, for one, is not needed for a text report).
 */
export async function loadFormatter(format: Format): Promise<Formatter> {
  switch (format) {
    case 'text':
      return (await import('./text.js')).formatText;
    case 'json':
      return (await import('./json.js')).formatJson;
    case 'junit':
      return (await import('./junit.js')).formatJunit;
    case 'markdown':
      return (await import('./markdown.js')).formatMarkdown;
    case 'html':
      return (await import('./html.js')).formatHtml;
  }
}

import type { Report } from '../types.js';
import { formatHtml } from './html.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatMarkdown } from './markdown.js';
import { formatText } from './text.js';

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

export const FORMATTERS: Record<Format, Formatter> = {
  text: formatText,
  json: formatJson,
  junit: formatJunit,
  markdown: formatMarkdown,
  html: formatHtml,
};

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

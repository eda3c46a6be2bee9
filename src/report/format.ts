import { formatHtml } from './html.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatMarkdown } from './markdown.js';
import { formatText } from './text.js';
import type { Format, Formatter } from './formats.js';

export { FORMATS, type Format, type FormatOptions, type Formatter, isFormat } from './formats.js';

/** Every formatter, loaded eagerly (programmatic use); the CLI loads one at a time with loadFormatter. */
export const FORMATTERS: Record<Format, Formatter> = {
  text: formatText,
  json: formatJson,
  junit: formatJunit,
  markdown: formatMarkdown,
  html: formatHtml,
};

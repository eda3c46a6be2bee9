import type { Format, Formatter } from './formats.js';

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

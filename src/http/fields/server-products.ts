/**
 * Server (RFC 9110 §10.2.4, https://www.rfc-editor.org/rfc/rfc9110#section-10.2.4):
 * `Server = product *( RWS ( product / comment ) )`, `product = token [ "/" product-version ]`.
 */
import { type FieldMap, singletonField } from './field-lines.js';

export interface ServerProduct {
  name: string;
  version?: string;
}

export interface ServerReading {
  products: ServerProduct[];
  comments: string[];
  /** True when a product version or a comment carries a digit (a version banner). */
  revealsVersion: boolean;
  raw: string;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/** Parses a Server value into products and comments; unparseable text is kept as a comment. */
export function parseServer(value: string): ServerReading {
  const products: ServerProduct[] = [];
  const comments: string[] = [];
  let s = value.trim();
  while (s.length > 0) {
    if (s.startsWith('(')) {
      let depth = 0;
      let end = s.length;
      for (let i = 0; i < s.length; i++) {
        if (s[i] === '\\') i++;
        else if (s[i] === '(') depth++;
        else if (s[i] === ')' && --depth === 0) {
          end = i + 1;
          break;
        }
      }
      comments.push(s.slice(1, Math.max(1, end - 1)));
      s = s.slice(end).trimStart();
      continue;
    }
    const name = TOKEN.exec(s)?.[0];
    if (!name) {
      comments.push(s);
      break;
    }
    s = s.slice(name.length);
    let version: string | undefined;
    if (s.startsWith('/')) {
      version = TOKEN.exec(s.slice(1))?.[0] ?? '';
      s = s.slice(1 + version.length);
    }
    products.push(version === undefined ? { name } : { name, version });
    s = s.trimStart();
  }
  const digit = (t: string) => /[0-9]/.test(t);
  const revealsVersion =
    products.some((p) => (p.version !== undefined && digit(p.version)) || digit(p.name)) ||
    comments.some(digit);
  return { products, comments, revealsVersion, raw: value };
}

/** Reads the Server field; undefined when absent. */
export function readServer(fields: FieldMap): ServerReading | undefined {
  const field = singletonField(fields, 'server');
  return field ? parseServer(field.lines.join(' ')) : undefined;
}

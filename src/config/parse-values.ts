import { readFileSync } from 'node:fs';
import { HardenError } from '../errors.js';

/** field-name = token (RFC 9110 §5.1, §5.6.2). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Parses `Name: value`; `where` names the flag for the error. */
export function parseHeader(text: string, where: string): [string, string] {
  const i = text.indexOf(':');
  const name = i > 0 ? text.slice(0, i).trim() : '';
  if (!name || !TOKEN.test(name)) {
    throw new HardenError('USAGE', `${where}: "${text.slice(0, 40)}" is not "Name: value"`);
  }
  const value = text.slice(i + 1).trim();
  checkSendable(name, where);
  checkFieldValue(name, value, where);
  return [name.toLowerCase(), value];
}

/**
 * A header from the config file: the name must be a token (RFC 9110 §5.1) and the value sendable.
 * Returns the lower-cased name.
 */
export function checkConfigHeader(name: string, value: string, where: string): string {
  if (!TOKEN.test(name))
    throw new HardenError('USAGE', `${where}: "${name.slice(0, 40)}" is not a valid header name`);
  checkSendable(name, where);
  checkFieldValue(name, value, where);
  return name.toLowerCase();
}

/**
 * Fields that frame the message or manage the connection (RFC 9112 §6, RFC 9110 §7.6.1): the
 * clients set them per request; one given by hand would desynchronise the connection.
 */
const CONNECTION_FIELDS = new Set([
  'content-length',
  'transfer-encoding',
  'te',
  'trailer',
  'connection',
  'keep-alive',
  'proxy-connection',
  'upgrade',
]);

function checkSendable(name: string, where: string): void {
  if (CONNECTION_FIELDS.has(name.toLowerCase()))
    throw new HardenError(
      'USAGE',
      `${where}: ${name} cannot be given: harden-check frames each request and manages its connections itself (RFC 9112 §6, RFC 9110 §7.6.1)`,
    );
}

/**
 * A field value is a line of octets (RFC 9110 §5.5): no line break or NUL, and no character
 * beyond ISO-8859-1, which could not be sent as written.
 */
function checkFieldValue(name: string, value: string, where: string): void {
  if (/[\r\n\0]/.test(value))
    throw new HardenError('USAGE', `${where}: the value of ${name} contains a line break`);
  if (/[^\t\x20-\xff]/.test(value))
    throw new HardenError(
      'USAGE',
      `${where}: the value of ${name} has characters outside ISO-8859-1; percent-encode them (RFC 9110 §5.5)`,
    );
}

/** Validates the target URL: absolute http(s) with a host. */
export function parseTarget(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new HardenError('TARGET_INVALID', `"${text}" is not a URL; give one like https://api.example.com`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HardenError(
      'TARGET_INVALID',
      `unsupported scheme ${url.protocol} in ${text}; use http:// or https://`,
    );
  }
  if (!url.hostname) throw new HardenError('TARGET_INVALID', `${text} has no host`);
  if (url.username || url.password) {
    throw new HardenError(
      'TARGET_INVALID',
      'credentials in the URL would end up in reports; pass them with --header "Authorization: …"',
    );
  }
  return url;
}

/** Matches a policies key: an exact `METHOD /path`, a bare path (any method), or a prefix ending in `*`. */
export function matchPolicyKey(key: string, labels: string[]): string[] {
  const m = /^(?:([A-Za-z]+)\s+)?(\/\S*)$/.exec(key.trim());
  if (!m) return [];
  const method = m[1]?.toUpperCase();
  const path = m[2]!;
  return labels.filter((label) => {
    const [lm, lp = ''] = label.split(' ');
    if (method && lm !== method) return false;
    return path.endsWith('*') ? lp.startsWith(path.slice(0, -1)) : lp === path;
  });
}

export function readErrorSchema(path: string): { name: string; schema: Record<string, unknown> } {
  let schema: unknown;
  try {
    schema = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new HardenError(
      'CONFIG_INVALID',
      `--error-schema ${path}: ${code ? `cannot read (${code})` : 'not valid JSON'}`,
    );
  }
  if (!schema || typeof schema !== 'object')
    throw new HardenError('CONFIG_INVALID', `--error-schema ${path}: not a JSON Schema object`);
  return { name: `the schema in ${path.split('/').pop()}`, schema: schema as Record<string, unknown> };
}

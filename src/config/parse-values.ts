import { readFileSync } from 'node:fs';
import { HardenError } from '../errors.js';

/** Parses `Name: value`; `where` names the flag for the error. */
export function parseHeader(text: string, where: string): [string, string] {
  const i = text.indexOf(':');
  const name = i > 0 ? text.slice(0, i).trim() : '';
  if (!name || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new HardenError('USAGE', `${where}: "${text.slice(0, 40)}" is not "Name: value"`);
  }
  const value = text.slice(i + 1).trim();
  if (/[\r\n\0]/.test(value))
    throw new HardenError('USAGE', `${where}: the value of ${name} contains a line break`);
  return [name.toLowerCase(), value];
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

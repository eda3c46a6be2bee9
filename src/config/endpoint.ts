import { HardenError } from '../errors.js';
import type { Endpoint } from '../types.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Parses `METHOD /path` (method case-insensitive); `where` names the flag or field for the error. */
export function parseEndpoint(text: string, where: string): Endpoint {
  const m = /^\s*([A-Za-z]+)\s+(\/\S*)\s*$/.exec(text);
  if (!m) throw new HardenError('USAGE', `${where}: "${text}" is not "METHOD /path" (e.g. "GET /items")`);
  const method = m[1]!.toUpperCase();
  if (!METHODS.has(method))
    throw new HardenError('USAGE', `${where}: unknown method ${m[1]} (use ${[...METHODS].join(', ')})`);
  return { method, path: m[2]! };
}

export function endpointLabel(e: Endpoint): string {
  return `${e.method} ${e.path.split('?', 1)[0]}`;
}

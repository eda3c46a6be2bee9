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

/**
 * How reports name an endpoint: `METHOD /path` with the path as requested (the URL's base path
 * included, the query left out), as set by labelEndpoints; else as configured.
 */
export function endpointLabel(e: Endpoint): string {
  return e.label ?? `${e.method} ${e.path.split('?', 1)[0]}`;
}

/**
 * The request path of `path` under the URL's base path (`target.pathname`): `/` is the URL's own
 * path exactly as given (no trailing slash added to a base path).
 */
export function joinPath(target: URL, path: string): string {
  return joinBase(target.pathname.replace(/\/$/, ''), path);
}

function joinBase(base: string, path: string): string {
  if (base && (path === '/' || path.startsWith('/?'))) return `${base}${path.slice(1)}`;
  return `${base}${path.startsWith('/') ? path : `/${path}`}`;
}

/** Gives each endpoint its label as requested: `METHOD` and the path joined to the base path. */
export function labelEndpoints<E extends Endpoint>(endpoints: readonly E[], basePath: string): E[] {
  const base = basePath.replace(/\/$/, '');
  return endpoints.map((e) => ({ ...e, label: `${e.method} ${joinBase(base, e.path).split('?', 1)[0]}` }));
}

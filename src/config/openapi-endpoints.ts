import type { Endpoint } from '../types.js';

/** An operation of the spec that the run leaves out, and why (named in the report). */
export interface LeftOutOperation {
  operation: string;
  reason: string;
}

/** What a run takes from an OpenAPI document: probe-able GET endpoints and what it leaves out. */
export interface SpecEndpoints {
  endpoints: Array<Endpoint & { fromSpec: true }>;
  leftOut: LeftOutOperation[];
  /** The first server URL with its variables replaced by their defaults (absolute when the spec says so). */
  serverUrl: string | undefined;
}

interface Parameter {
  name?: string;
  in?: string;
  required?: boolean;
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
  schema?: { default?: unknown; example?: unknown; examples?: unknown[] };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * The first server URL with each `{variable}` replaced by its `default` (OAS 3.x Server Variable
 * Object: `default` is REQUIRED), or the Swagger 2.0 `schemes`/`host`/`basePath`.
 * https://spec.openapis.org/oas/v3.1.0#server-variable-object
 */
export function firstServerUrl(api: Record<string, unknown>): string | undefined {
  if (typeof api.swagger === 'string') {
    const basePath = typeof api.basePath === 'string' ? api.basePath : '';
    if (typeof api.host !== 'string') return basePath || undefined;
    const scheme =
      Array.isArray(api.schemes) && typeof api.schemes[0] === 'string' ? api.schemes[0] : 'https';
    return `${scheme}://${api.host}${basePath}`;
  }
  const servers = Array.isArray(api.servers) ? (api.servers as Array<Record<string, unknown>>) : [];
  const server = servers[0];
  if (!server || typeof server.url !== 'string') return undefined;
  const vars = (server.variables ?? {}) as Record<string, { default?: unknown; enum?: unknown[] }>;
  return server.url.replace(/\{([^}]+)\}/g, (m, name: string) => {
    const v = vars[name];
    const value = v?.default ?? v?.enum?.[0];
    return value === undefined ? m : String(value);
  });
}

/** The example or default value the spec gives for a parameter (parameter first, then its schema). */
export function exampleValue(p: Parameter): unknown {
  if (p.example !== undefined) return p.example;
  const named = p.examples ? Object.values(p.examples).find((x) => x?.value !== undefined) : undefined;
  if (named) return named.value;
  if (p.schema?.example !== undefined) return p.schema.example;
  if (p.schema?.default !== undefined) return p.schema.default;
  if (Array.isArray(p.schema?.examples) && p.schema.examples.length > 0) return p.schema.examples[0];
  return undefined;
}

const text = (v: unknown): string => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));

/** The server URL's path, resolved against where the document was served (OAS: relative server URLs). */
function serverPath(serverUrl: string | undefined, docUrl: string | undefined): string {
  if (!serverUrl || serverUrl.includes('{')) return '';
  try {
    return decodeURI(new URL(serverUrl, docUrl ?? 'http://placeholder/').pathname).replace(/\/$/, '');
  } catch {
    return '';
  }
}

/**
 * GET endpoints of a dereferenced OpenAPI 3 (or Swagger 2.0) document. Templated paths are filled
 * with the spec's example or default values; operations that cannot be probed are left out with a
 * reason. Paths are made relative to the target's base path when they lie under it; a document
 * discovered on the target (`docUrl`) whose operations lie outside the base path leaves them out.
 */
export function endpointsFromSpec(
  api: Record<string, unknown>,
  where: { targetBase: string; docUrl?: string },
): SpecEndpoints {
  const serverUrl = firstServerUrl(api);
  const base = where.targetBase.replace(/\/$/, '');
  // A document served on the target without `servers` describes the API it was found under.
  const prefix = serverUrl === undefined && where.docUrl ? base : serverPath(serverUrl, where.docUrl);
  const endpoints: SpecEndpoints['endpoints'] = [];
  const leftOut: LeftOutOperation[] = [];
  const paths = (api.paths ?? {}) as Record<string, Record<string, unknown>>;
  for (const [template, item] of Object.entries(paths)) {
    if (!item || typeof item !== 'object') continue;
    for (const method of METHODS) {
      const op = item[method] as { parameters?: Parameter[] } | undefined;
      if (!op) continue;
      const operation = `${method.toUpperCase()} ${template}`;
      if (method !== 'get') {
        leftOut.push({ operation, reason: 'only GET operations are probed (they are safe to repeat)' });
        continue;
      }
      const params = new Map<string, Parameter>();
      for (const p of [...((item.parameters as Parameter[]) ?? []), ...(op.parameters ?? [])])
        if (p?.name && p.in) params.set(`${p.in}:${p.name}`, p);
      let missing: string | undefined;
      const path = template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
        const value = exampleValue(params.get(`path:${name}`) ?? {});
        if (value === undefined) {
          missing ??= `path parameter "${name}" has no example or default value in the spec`;
          return '';
        }
        return encodeURIComponent(text(value));
      });
      const query: string[] = [];
      for (const p of params.values()) {
        if (!p.required || p.in === 'path') continue;
        const value = exampleValue(p);
        if (p.in === 'query' && value !== undefined)
          query.push(`${encodeURIComponent(p.name!)}=${encodeURIComponent(text(value))}`);
        else if (value === undefined || p.in !== 'query')
          missing ??= `required ${p.in} parameter "${p.name}" ${value === undefined ? 'has no example or default value in the spec' : 'is not sent by the probe'}`;
      }
      if (missing) {
        leftOut.push({ operation, reason: missing });
        continue;
      }
      const absolute = `${prefix}${path}`;
      let relative = absolute;
      if (base && (absolute === base || absolute.startsWith(`${base}/`)))
        relative = absolute.slice(base.length) || '/';
      else if (base && where.docUrl) {
        leftOut.push({ operation, reason: `${absolute} lies outside the URL's base path ${base}` });
        continue;
      }
      endpoints.push({
        method: 'GET',
        path: `${relative}${query.length ? `?${query.join('&')}` : ''}`,
        fromSpec: true,
      });
    }
  }
  return { endpoints, leftOut, serverUrl };
}

import { HardenError } from '../errors.js';
import type { Endpoint } from '../types.js';

interface Operation {
  parameters?: Array<{ in?: string; required?: boolean }>;
}

/**
 * GET operations without required parameters from an OpenAPI 3 document (JSON or YAML), parsed and
 * dereferenced by swagger-parser; server base paths (`servers[0].url` path part) are prefixed.
 */
export async function loadOpenApiEndpoints(path: string): Promise<Endpoint[]> {
  // Imported here so that runs without --openapi do not load the parser.
  const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
  let api: Record<string, unknown>;
  try {
    api = (await SwaggerParser.dereference(path)) as unknown as Record<string, unknown>;
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0] ?? 'invalid';
    throw new HardenError('OPENAPI_INVALID', `--openapi ${path}: ${msg}`);
  }
  if (typeof api.openapi !== 'string' || !api.openapi.startsWith('3.')) {
    throw new HardenError(
      'OPENAPI_INVALID',
      `--openapi ${path}: not an OpenAPI 3 document (found ${api.swagger ? `Swagger ${api.swagger}` : 'no "openapi" field'})`,
    );
  }
  const servers = (api.servers as Array<{ url?: string }> | undefined) ?? [];
  let base = '';
  const serverUrl = servers[0]?.url;
  if (serverUrl && !serverUrl.includes('{')) {
    try {
      base = new URL(serverUrl, 'http://placeholder').pathname.replace(/\/$/, '');
    } catch {
      base = '';
    }
  }
  const out: Endpoint[] = [];
  const paths = (api.paths as Record<string, Record<string, unknown>> | undefined) ?? {};
  for (const [p, item] of Object.entries(paths)) {
    const get = item.get as Operation | undefined;
    if (!get) continue;
    const params = [...((item.parameters as Operation['parameters']) ?? []), ...(get.parameters ?? [])];
    if (p.includes('{') || params.some((x) => x.required)) continue;
    out.push({ method: 'GET', path: `${base}${p}` });
  }
  if (out.length === 0)
    throw new HardenError(
      'OPENAPI_INVALID',
      `--openapi ${path}: no GET operation without required parameters`,
    );
  return out;
}

import { HardenError } from '../errors.js';
import { endpointsFromSpec, type SpecEndpoints } from './openapi-endpoints.js';

/**
 * Parses and dereferences an OpenAPI document (a file path, a URL or an already parsed object) with
 * swagger-parser; throws OPENAPI_INVALID naming `where` when it is not OpenAPI 3 or Swagger 2.0.
 */
export async function readOpenApi(source: string | object, where: string): Promise<Record<string, unknown>> {
  // Imported here so that runs that never read an OpenAPI document do not load the parser.
  const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
  let api: Record<string, unknown>;
  try {
    // swagger-parser mutates objects it dereferences: hand it a copy.
    const input = typeof source === 'string' ? source : structuredClone(source);
    api = (await SwaggerParser.dereference(input as string)) as unknown as Record<string, unknown>;
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0] ?? 'invalid';
    throw new HardenError('OPENAPI_INVALID', `${where}: ${msg}`);
  }
  const v3 = typeof api.openapi === 'string' && api.openapi.startsWith('3.');
  const v2 = api.swagger === '2.0';
  if (!v3 && !v2) {
    throw new HardenError(
      'OPENAPI_INVALID',
      `${where}: not an OpenAPI 3 or Swagger 2.0 document (found ${api.swagger ? `Swagger ${api.swagger}` : 'no "openapi" field'})`,
    );
  }
  return api;
}

/**
 * GET endpoints of the OpenAPI document given with --openapi (JSON or YAML), relative to the
 * target's base path, with every operation it leaves out and why.
 */
export async function loadOpenApiEndpoints(path: string, targetBase: string): Promise<SpecEndpoints> {
  const api = await readOpenApi(path, `--openapi ${path}`);
  const found = endpointsFromSpec(api, { targetBase });
  if (found.endpoints.length === 0)
    throw new HardenError(
      'OPENAPI_INVALID',
      `--openapi ${path}: no GET operation can be probed (${found.leftOut[0]?.reason ?? 'the document has no operations'})`,
    );
  return found;
}

import { readOpenApi } from '../config/openapi.js';
import { endpointsFromSpec, type SpecEndpoints } from '../config/openapi-endpoints.js';
import { OPENAPI_LOCATIONS } from '../config/options.js';
import { HardenError } from '../errors.js';
import { classifyTransportError } from './classify-error.js';
import { Agent } from './undici-dispatchers.js';

/** Largest OpenAPI document read from a target (large specs are a few MiB). */
export const MAX_SPEC_BYTES = 8 * 1024 * 1024;

export interface DiscoveredSpec extends SpecEndpoints {
  /** Where the document was found. */
  docUrl: string;
}

/** The URLs tried, in order: under the base path first, then at the origin's root. */
export function specLocations(target: URL): string[] {
  const base = target.pathname.replace(/\/$/, '');
  const bases = base ? [base, ''] : [''];
  return bases.flatMap((b) => OPENAPI_LOCATIONS.map((p) => new URL(`${b}${p}`, target.origin).href));
}

async function fetchText(
  url: string,
  headers: Record<string, string>,
  dispatcher: Agent,
  timeoutMs: number,
): Promise<{ status: number; body?: string } | { error: { code: string; message: string } }> {
  try {
    const { origin, pathname, search } = new URL(url);
    const res = await dispatcher.request({
      origin,
      path: pathname + search,
      method: 'GET',
      headers: { accept: 'application/json, application/yaml;q=0.9, */*;q=0.1', ...headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.statusCode !== 200) {
      await res.body.dump().catch(() => undefined);
      return { status: res.statusCode };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_SPEC_BYTES) {
        res.body.destroy();
        return { status: 200 };
      }
      chunks.push(chunk as Buffer);
    }
    return { status: 200, body: Buffer.concat(chunks).toString('utf8') };
  } catch (err) {
    return { error: classifyTransportError(err as Error, timeoutMs) };
  }
}

async function parseDocument(text: string): Promise<Record<string, unknown> | undefined> {
  try {
    // The YAML parser is loaded only for a document that is not JSON.
    const doc = /^\s*[{[]/.test(text) ? JSON.parse(text) : (await import('yaml')).parse(text);
    if (doc && typeof doc === 'object' && ('openapi' in doc || 'swagger' in doc))
      return doc as Record<string, unknown>;
  } catch {
    // Not a document: an HTML page or anything else served at that path.
  }
  return undefined;
}

/**
 * Looks for an OpenAPI document at the conventional locations (OPENAPI_LOCATIONS) and takes its GET
 * operations. Stops at the first transport failure (a dead target is reported by the probe phase).
 * Returns undefined when no usable document is served.
 */
export async function discoverOpenApi(
  target: URL,
  options: { headers: Record<string, string>; timeoutMs: number; insecure: boolean },
): Promise<DiscoveredSpec | undefined> {
  const dispatcher = new Agent({ connect: { rejectUnauthorized: !options.insecure } });
  try {
    let answered = false;
    for (const url of specLocations(target)) {
      const res = await fetchText(url, options.headers, dispatcher, options.timeoutMs);
      if ('error' in res) {
        // A target that answered and then stalls is not worth another timeout per probe.
        if (answered && res.error.code === 'TIMEOUT')
          throw new HardenError(
            'TARGET_TIMEOUT',
            `${target.origin} stopped answering while harden-check looked for an OpenAPI document: ${res.error.message}`,
          );
        return undefined;
      }
      answered = true;
      if (res.body === undefined) continue;
      const doc = await parseDocument(res.body);
      if (!doc) continue;
      let api: Record<string, unknown>;
      try {
        api = await readOpenApi(doc, url);
      } catch (err) {
        if (err instanceof HardenError) continue;
        throw err;
      }
      const found = endpointsFromSpec(api, { targetBase: target.pathname.replace(/\/$/, ''), docUrl: url });
      return { ...found, docUrl: url };
    }
    return undefined;
  } finally {
    await dispatcher.close().catch(() => undefined);
  }
}

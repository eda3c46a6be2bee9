import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderApiDoc } from '../server/routes/api-doc.js';
import { ROUTE_DOCS } from '../server/routes/catalog.js';
import { allowedMethods, ROUTES } from '../server/routes/index.js';
import { call } from './helpers/http.js';
import { startTestServer } from './helpers/server.js';

describe('docs/ops/api.md', () => {
  it('is the rendering of the route catalog and the ajv schemas (run `npm run docs:api`)', async () => {
    const onDisk = await readFile(new URL('../docs/ops/api.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderApiDoc());
  });

  it('documents every route and method of the route table, and nothing else', () => {
    const routes = [...ROUTES].map(([path, methods]) => `${Object.keys(methods).join(',')} ${path}`);
    const documented = Object.entries(ROUTE_DOCS).map(
      ([path, methods]) => `${Object.keys(methods).join(',')} ${path}`,
    );
    expect(documented.sort()).toEqual(routes.sort());
  });

  it('matches what the server answers: Allow, success status and media type of every operation', async () => {
    const server = await startTestServer();
    try {
      for (const [path, methods] of Object.entries(ROUTE_DOCS)) {
        const options = await call(`${server.url}${path}`, { method: 'OPTIONS' });
        expect(options.status, path).toBe(204);
        expect(options.headers.allow, path).toBe(allowedMethods(ROUTES.get(path)!));
        for (const [method, doc] of Object.entries(methods)) {
          if (method !== 'GET') continue;
          const r = await call(`${server.url}${path}`);
          expect(r.status, path).toBe(doc.statuses[0]!.status);
          const type = r.headers['content-type']!.split(';')[0]!;
          expect(
            doc.produces.split(/,\s*/).map((t) => t.split(';')[0]),
            path,
          ).toContain(type);
        }
      }
      // Documented body statuses of the POST routes: 415 for a non-JSON type, 400 for a bad body.
      for (const path of ['/v1/webhooks/events', '/v1/ai/forecast']) {
        const statuses = ROUTE_DOCS[path]!.POST!.statuses.map((s) => s.status);
        const wrongType = await call(`${server.url}${path}`, {
          method: 'POST',
          body: 'x',
          headers: { 'content-type': 'text/plain' },
        });
        expect(statuses).toContain(wrongType.status);
        expect(wrongType.status).toBe(415);
        const bad = await call(`${server.url}${path}`, {
          method: 'POST',
          body: '{"horizon":0,"type":""}',
          headers: { 'content-type': 'application/json' },
        });
        expect(bad.status).toBe(400);
        expect(statuses).toContain(400);
      }
    } finally {
      await server.stop();
    }
  });
});

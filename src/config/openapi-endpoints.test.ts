import { describe, expect, it } from 'vitest';
import { endpointsFromSpec, exampleValue, firstServerUrl } from './openapi-endpoints.js';

const ok = { responses: { '200': { description: 'ok' } } };
const spec = (extra: Record<string, unknown>, paths: Record<string, unknown> = { '/pets': { get: ok } }) => ({
  openapi: '3.0.3',
  info: { title: 't', version: '1' },
  paths,
  ...extra,
});

describe('server URLs (OAS 3.x Server Variable Object: each variable takes its default)', () => {
  const rows: Array<[string, Record<string, unknown>, string | undefined, string[]]> = [
    [
      'a scheme variable keeps the path',
      { servers: [{ url: '{scheme}://api.example.com/ds', variables: { scheme: { default: 'https' } } }] },
      'https://api.example.com/ds',
      ['GET /ds/pets'],
    ],
    [
      'several variables, one in the path',
      {
        servers: [
          {
            url: 'https://{region}.example.com/{basePath}/v2',
            variables: { region: { default: 'eu', enum: ['eu', 'us'] }, basePath: { default: 'store' } },
          },
        ],
      },
      'https://eu.example.com/store/v2',
      ['GET /store/v2/pets'],
    ],
    ['a relative server URL', { servers: [{ url: '/api' }] }, '/api', ['GET /api/pets']],
    ['no servers', {}, undefined, ['GET /pets']],
    [
      'the first server wins',
      { servers: [{ url: 'https://a.example/one' }, { url: 'https://b.example/two' }] },
      'https://a.example/one',
      ['GET /one/pets'],
    ],
    [
      'a trailing slash adds nothing',
      { servers: [{ url: 'https://a.example/' }] },
      'https://a.example/',
      ['GET /pets'],
    ],
    [
      'a variable without a default falls back to its first enum value',
      { servers: [{ url: 'https://h.example/{v}', variables: { v: { enum: ['v3', 'v2'] } } }] },
      'https://h.example/v3',
      ['GET /v3/pets'],
    ],
  ];
  it.each(rows)('%s', (_name, extra, url, labels) => {
    const doc = spec(extra);
    expect(firstServerUrl(doc)).toBe(url);
    const found = endpointsFromSpec(doc, { targetBase: '' });
    expect(found.endpoints.map((e) => `${e.method} ${e.path}`)).toEqual(labels);
  });

  it('Swagger 2.0: schemes, host and basePath', () => {
    const doc = {
      swagger: '2.0',
      host: 'api.example.com',
      basePath: '/v1',
      schemes: ['https'],
      paths: { '/pets': { get: ok } },
    };
    expect(firstServerUrl(doc)).toBe('https://api.example.com/v1');
    expect(endpointsFromSpec(doc, { targetBase: '' }).endpoints[0]?.path).toBe('/v1/pets');
  });
});

describe('base paths', () => {
  const doc = spec({ servers: [{ url: 'https://api.example.com/ds' }] });
  it('a target URL that already carries the server path does not get it twice', () => {
    expect(endpointsFromSpec(doc, { targetBase: '/ds' }).endpoints[0]?.path).toBe('/pets');
  });
  it('a target behind another prefix keeps the server path under it', () => {
    expect(endpointsFromSpec(doc, { targetBase: '/staging' }).endpoints[0]?.path).toBe('/ds/pets');
  });
  it('a document discovered on the target resolves a relative server URL against its own URL', () => {
    const found = endpointsFromSpec(spec({ servers: [{ url: '/api/v1' }] }), {
      targetBase: '/api/v1',
      docUrl: 'http://h.test/api/v1/openapi.json',
    });
    expect(found.endpoints.map((e) => e.path)).toEqual(['/pets']);
  });
  it('a discovered document without servers describes the API it was found under', () => {
    const found = endpointsFromSpec(spec({}), {
      targetBase: '/api',
      docUrl: 'http://h.test/api/openapi.json',
    });
    expect(found.endpoints.map((e) => e.path)).toEqual(['/pets']);
  });
  it('operations outside the base path of a discovered document are left out with the reason', () => {
    const found = endpointsFromSpec(spec({ servers: [{ url: '/other' }] }), {
      targetBase: '/api',
      docUrl: 'http://h.test/openapi.json',
    });
    expect(found.endpoints).toEqual([]);
    expect(found.leftOut).toEqual([
      { operation: 'GET /pets', reason: "/other/pets lies outside the URL's base path /api" },
    ]);
  });
});

describe('templated paths and required parameters', () => {
  const param = (p: Record<string, unknown>) => ({ name: 'petId', in: 'path', required: true, ...p });
  const rows: Array<[string, Record<string, unknown>, string | undefined]> = [
    ['parameter example', param({ example: 7, schema: { type: 'integer' } }), '/pets/7'],
    [
      'named examples',
      param({ examples: { a: { summary: 's', value: 'rex' } }, schema: { type: 'string' } }),
      '/pets/rex',
    ],
    ['schema example', param({ schema: { type: 'integer', example: 12 } }), '/pets/12'],
    ['schema default', param({ schema: { type: 'integer', default: 1 } }), '/pets/1'],
    [
      'JSON Schema examples (OAS 3.1)',
      param({ schema: { type: 'string', examples: ['a b'] } }),
      '/pets/a%20b',
    ],
    [
      'parameter example wins over the schema',
      param({ example: 'p', schema: { type: 'string', default: 'd' } }),
      '/pets/p',
    ],
    ['no value at all', param({ schema: { type: 'string' } }), undefined],
  ];
  it.each(rows)('%s', (_name, parameter, path) => {
    const doc = spec({}, { '/pets/{petId}': { get: { parameters: [parameter], ...ok } } });
    const found = endpointsFromSpec(doc, { targetBase: '' });
    if (path === undefined) {
      expect(found.endpoints).toEqual([]);
      expect(found.leftOut[0]).toEqual({
        operation: 'GET /pets/{petId}',
        reason: 'path parameter "petId" has no example or default value in the spec',
      });
    } else expect(found.endpoints.map((e) => e.path)).toEqual([path]);
  });

  it('path-level parameters apply to the operation; required query parameters are sent from their examples', () => {
    const doc = spec(
      {},
      {
        '/pets/{petId}/toys': {
          parameters: [
            { name: 'petId', in: 'path', required: true, schema: { type: 'integer', default: 3 } },
          ],
          get: { parameters: [{ name: 'q', in: 'query', required: true, example: 'ball' }], ...ok },
        },
        '/search': {
          get: {
            parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string' } }],
            ...ok,
          },
        },
        '/me': {
          get: { parameters: [{ name: 'X-Tenant', in: 'header', required: true, example: 't1' }], ...ok },
        },
      },
    );
    const found = endpointsFromSpec(doc, { targetBase: '' });
    expect(found.endpoints.map((e) => e.path)).toEqual(['/pets/3/toys?q=ball']);
    expect(found.leftOut.map((o) => o.operation)).toEqual(['GET /search', 'GET /me']);
    expect(found.leftOut[1]?.reason).toMatch(/header parameter "X-Tenant" is not sent/);
  });

  it('every operation that is not a GET is named as left out', () => {
    const doc = spec({}, { '/pets': { get: ok, post: ok, delete: ok } });
    const found = endpointsFromSpec(doc, { targetBase: '' });
    expect(found.leftOut.map((o) => o.operation)).toEqual(['POST /pets', 'DELETE /pets']);
  });

  it('exampleValue reads nothing from an empty parameter', () => {
    expect(exampleValue({})).toBeUndefined();
  });
});

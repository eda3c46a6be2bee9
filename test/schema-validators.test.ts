import { readFile } from 'node:fs/promises';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JS build script without type declarations
import { VALIDATORS, validatorSource } from '../scripts/gen-validators.js';
import { validate as configValidate } from '../src/schema-validators/config.js';
import { validate as problemDetailsValidate } from '../src/schema-validators/problem-details.js';

// The validators of schema/problem-details.schema.json and schema/config.schema.json are generated
// at development time (npm run gen:validators) so that a run neither loads ajv nor compiles them.

type Entry = { schema: string; file: string; allErrors: boolean };
const ROOT = new URL('..', import.meta.url);

async function runtimeCompiled(entry: Entry): Promise<ValidateFunction> {
  const ajv = new Ajv({ allErrors: entry.allErrors, strict: false });
  addFormatsModule.default(ajv);
  return ajv.compile(JSON.parse(await readFile(new URL(`schema/${entry.schema}`, ROOT), 'utf8')));
}

/** Validity and ajv's error objects (without the schema excerpts) of one document. */
function outcome(validate: ValidateFunction, doc: unknown) {
  const valid = validate(doc);
  return {
    valid,
    errors: (validate.errors ?? []).map(({ keyword, instancePath, message, params }) => ({
      keyword,
      instancePath,
      message,
      params,
    })),
  };
}

describe('generated schema validators', () => {
  it.each(VALIDATORS as Entry[])(
    '$file is current with schema/$schema (run npm run gen:validators)',
    async (entry) => {
      expect(await readFile(new URL(entry.file, ROOT), 'utf8')).toBe(validatorSource(entry));
    },
  );

  it('judge problem details exactly as ajv compiling the schema at run time does', async () => {
    const [entry] = (VALIDATORS as Entry[]).filter((v) => v.schema === 'problem-details.schema.json');
    const reference = await runtimeCompiled(entry!);
    const generated = problemDetailsValidate as unknown as ValidateFunction;
    const docs: unknown[] = [
      { title: 'Not Found', status: 404 },
      {
        type: 'https://example.com/probs/out-of-credit',
        title: 'Out',
        status: 403,
        detail: 'x',
        instance: '/a/1',
      },
      { type: 'about:blank', title: 'x', status: 400 },
      { title: 'x' },
      { status: 500 },
      { title: 'x', status: 99 },
      { title: 'x', status: 600 },
      { title: 'x', status: 404.5 },
      { title: 'x', status: '404' },
      { title: 7, status: 404 },
      { title: 'x', status: 404, type: '' },
      { title: 'x', status: 404, type: 'not a uri ref with spaces' },
      { title: 'x', status: 404, instance: 'http://[bad' },
      { title: 'x', status: 404, type: 'urn:problem:😀' },
      [],
      'text',
      null,
      42,
    ];
    for (const doc of docs) expect(outcome(generated, doc)).toEqual(outcome(reference, doc));
  });

  it('report every config problem exactly as ajv compiling the schema at run time does', async () => {
    const [entry] = (VALIDATORS as Entry[]).filter((v) => v.schema === 'config.schema.json');
    const reference = await runtimeCompiled(entry!);
    const generated = configValidate as unknown as ValidateFunction;
    const docs: unknown[] = [
      {},
      { target: 'http://127.0.0.1:8080', strict: true, timeout: 5000 },
      {
        slo: { p95Ms: 'fast' },
        endpoints: ['GET /ok', 'nonsense', { method: 'GET', path: 'items' }],
        sloo: {},
      },
      { slo: { p99Ms: 200, availability: 2 }, health: { liveness: 'healthz' } },
      {
        endpoints: [{ method: 'POST', path: '/items', body: { a: 1 } }],
        checks: { skip: [1], categories: ['x'] },
      },
      { policies: { 'GET /x': 'none', 'GET /y': { limit: -1 } }, headers: { a: 2 } },
      { target: 12, insecure: 'yes', logFile: [] },
      [],
      null,
    ];
    for (const doc of docs) expect(outcome(generated, doc)).toEqual(outcome(reference, doc));
  });
});

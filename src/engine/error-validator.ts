import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { HardenError } from '../errors.js';
import { readShippedSchema } from '../schema-files.js';

const addFormats = addFormatsModule.default;

/** Compiles the error-body schema once (RFC 9457 by default); returns a validator and its name. */
export function createErrorValidator(custom: { name: string; schema: Record<string, unknown> } | undefined): {
  name: string;
  validate: (body: unknown) => string | undefined;
} {
  const ajv = new Ajv({ allErrors: false, strict: false });
  addFormats(ajv);
  let validate: ReturnType<typeof ajv.compile>;
  const schema = custom?.schema ?? readShippedSchema('problem-details.schema.json');
  try {
    validate = ajv.compile(schema);
  } catch (err) {
    throw new HardenError(
      'CONFIG_INVALID',
      `--error-schema: not a valid JSON Schema (${(err as Error).message.split('\n')[0]})`,
    );
  }
  return {
    name: custom?.name ?? 'RFC 9457 problem details',
    validate(body) {
      if (validate(body)) return undefined;
      const e = validate.errors?.[0];
      return `${e?.instancePath || '(root)'} ${e?.message ?? 'invalid'}`;
    },
  };
}

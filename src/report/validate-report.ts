import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { readShippedSchema } from '../schema-files.js';

const addFormats = addFormatsModule.default;
let validator: ReturnType<Ajv['compile']> | undefined;

/** Validates a JSON report against schema/report.schema.json; returns the first problem or undefined. */
export function validateReport(doc: unknown): string | undefined {
  if (!validator) {
    const ajv = new Ajv({ allErrors: false, strict: false });
    addFormats(ajv);
    ajv.addSchema(readShippedSchema('diff.schema.json'));
    validator = ajv.compile(readShippedSchema('report.schema.json'));
  }
  if (validator(doc)) return undefined;
  const e = validator.errors?.[0];
  return `${e?.instancePath || '(root)'} ${e?.message}`;
}

import { Ajv } from 'ajv';
import { readShippedSchema } from '../schema-files.js';

let validator: ReturnType<Ajv['compile']> | undefined;

/** Validates a comparison against schema/diff.schema.json; returns the first problem or undefined. */
export function validateDiff(doc: unknown): string | undefined {
  validator ??= new Ajv({ allErrors: false, strict: false }).compile(readShippedSchema('diff.schema.json'));
  if (validator(doc)) return undefined;
  const e = validator.errors?.[0];
  return `${e?.instancePath || '(root)'} ${e?.message}`;
}

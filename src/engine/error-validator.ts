import type { ErrorObject, ValidateFunction } from 'ajv';
import { HardenError } from '../errors.js';
import { validate as validateProblemDetails } from '../schema-validators/problem-details.js';

/** schema/problem-details.schema.json, compiled at build time (scripts/gen-validators.js). */
const problemDetails = validateProblemDetails as unknown as ValidateFunction;

const RFC_SECTIONS: Record<string, string> = {
  type: '§3.1.1',
  status: '§3.1.2',
  title: '§3.1.3',
  detail: '§3.1.4',
  instance: '§3.1.5',
};

/**
 * Says whose rule a failed keyword of the shipped schema is: member types and URI references are
 * RFC 9457's; the required members are this contract's (RFC 9457 makes every member optional).
 */
function whoRequires(e: ErrorObject | undefined): string {
  if (e?.keyword === 'required')
    return 'required by the harden-check contract, docs/contract.md §3; RFC 9457 makes every member optional';
  const member = e?.instancePath.split('/')[1] ?? '';
  const section = RFC_SECTIONS[member];
  if (e?.keyword === 'format')
    return `RFC 9457 ${section ?? '§3.1'} requires a URI reference (RFC 3986 §4.1)`;
  if (member === 'status' && (e?.keyword === 'minimum' || e?.keyword === 'maximum'))
    return 'RFC 9457 §3.1.2: an HTTP status code';
  return section ? `RFC 9457 ${section} defines its type` : 'RFC 9457 §3.1';
}

/** Compiles a --error-schema with ajv (loaded only then); throws HardenError CONFIG_INVALID. */
async function compileCustom(schema: Record<string, unknown>): Promise<ValidateFunction> {
  const [{ Ajv }, { default: addFormatsModule }] = await Promise.all([import('ajv'), import('ajv-formats')]);
  const ajv = new Ajv({ allErrors: false, strict: false });
  addFormatsModule.default(ajv);
  try {
    return ajv.compile(schema);
  } catch (err) {
    throw new HardenError(
      'CONFIG_INVALID',
      `--error-schema: not a valid JSON Schema (${(err as Error).message.split('\n')[0]})`,
    );
  }
}

/**
 * The error-body validator (RFC 9457 by default, precompiled; a --error-schema is compiled here)
 * and its name. Throws HardenError CONFIG_INVALID for a --error-schema that is not a JSON Schema.
 */
export async function createErrorValidator(
  custom: { name: string; schema: Record<string, unknown> } | undefined,
): Promise<{
  name: string;
  validate: (body: unknown) => string | undefined;
}> {
  const validate = custom ? await compileCustom(custom.schema) : problemDetails;
  return {
    name: custom?.name ?? 'RFC 9457 problem details',
    validate(body) {
      if (validate(body)) return undefined;
      const e = validate.errors?.[0];
      const problem = `${e?.instancePath || '(root)'} ${e?.message ?? 'invalid'}`;
      return custom ? `${problem} (required by ${custom.name})` : `${problem} (${whoRequires(e)})`;
    },
  };
}

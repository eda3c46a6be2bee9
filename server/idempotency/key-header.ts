import type { IncomingMessage } from 'node:http';
import { HttpError } from '../errors.js';

/** Longest accepted key (characters); UUIDs and similar random keys are far shorter. */
export const MAX_KEY_LENGTH = 255;

const invalid = (detail: string) => new HttpError(400, 'IDEMPOTENCY_KEY_INVALID', detail);

/**
 * The request's Idempotency-Key, or undefined when it has none.
 *
 * draft-ietf-httpapi-idempotency-key-header §2.1: the field is an Item Structured Header whose value
 * is a String (RFC 9651 §3.3.3, parsed as in §4.2.5): `Idempotency-Key: "8e03978e-40d5-43e8"`.
 * Parameters after the string are allowed by the Item grammar and ignored (the draft defines none).
 * Many clients send the key unquoted (`Idempotency-Key: 8e03978e-40d5-43e8`); such a value, if it is
 * one run of visible ASCII, is taken as the key too. Several field lines (joined with ", " by Node)
 * are not one Item and are refused.
 * Errors: HttpError 400 IDEMPOTENCY_KEY_INVALID.
 */
export function readIdempotencyKey(req: IncomingMessage): string | undefined {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const value = (Array.isArray(raw) ? raw.join(', ') : raw).replace(/^ +| +$/g, '');
  const key = value.startsWith('"') ? parseSfString(value) : parseBare(value);
  if (key.length === 0) throw invalid('Idempotency-Key must not be empty.');
  if (key.length > MAX_KEY_LENGTH)
    throw invalid(`Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters.`);
  return key;
}

/** RFC 9651 §4.2.5, then §4.2.3.2's leading ";" of parameters (their content is not used). */
function parseSfString(input: string): string {
  let out = '';
  for (let i = 1; i < input.length; i++) {
    const c = input[i]!;
    if (c === '\\') {
      const next = input[++i];
      if (next !== '"' && next !== '\\')
        throw invalid('Idempotency-Key is not a valid Structured Field String (bad escape).');
      out += next;
    } else if (c === '"') {
      const rest = input.slice(i + 1);
      if (rest !== '' && !rest.startsWith(';'))
        throw invalid('Idempotency-Key must be a single Structured Field String, e.g. "8e03978e-40d5-43e8".');
      return out;
    } else {
      const code = c.charCodeAt(0);
      if (code < 0x20 || code > 0x7e) throw invalid('Idempotency-Key may contain printable ASCII only.');
      out += c;
    }
  }
  throw invalid('Idempotency-Key is not a valid Structured Field String (no closing quote).');
}

function parseBare(input: string): string {
  if (!/^[\x21-\x7e]*$/.test(input) || input.includes(','))
    throw invalid('Idempotency-Key must be a single Structured Field String, e.g. "8e03978e-40d5-43e8".');
  return input;
}

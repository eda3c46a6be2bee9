import type { IncomingMessage } from 'node:http';
import { parseSfItem } from '../../src/http/fields/structured.js';
import { HttpError } from '../errors.js';

/** Longest accepted key (characters); UUIDs and similar random keys are far shorter. */
export const MAX_KEY_LENGTH = 255;

const invalid = (detail: string) => new HttpError(400, 'IDEMPOTENCY_KEY_INVALID', detail);
const NOT_ONE_STRING = 'Idempotency-Key must be a single Structured Field String, e.g. "8e03978e-40d5-43e8".';

/**
 * The request's Idempotency-Key, or undefined when it has none.
 *
 * draft-ietf-httpapi-idempotency-key-header §2.1: the field is an Item Structured Header whose value
 * is a String (RFC 9651 §3.3.3): `Idempotency-Key: "8e03978e-40d5-43e8"`. It is parsed as an Item
 * (RFC 9651 §4.2.3) by the shared field layer; parameters are allowed by the grammar and ignored
 * (the draft defines none). Many clients send the key unquoted (`Idempotency-Key: 8e03978e-40d5`):
 * a value that is one run of visible ASCII without quotes or commas is taken as the key too. Several
 * field lines (joined with ", " by Node) are not one Item and are refused.
 * Errors: HttpError 400 IDEMPOTENCY_KEY_INVALID.
 */
export function readIdempotencyKey(req: IncomingMessage): string | undefined {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const value = (Array.isArray(raw) ? raw.join(', ') : raw).replace(/^ +| +$/g, '');
  let key: string;
  if (value.startsWith('"')) {
    const item = parseSfItem(value).value;
    if (!item || typeof item[0] !== 'string') throw invalid(NOT_ONE_STRING);
    key = item[0];
  } else if (/^[\x21-\x7e]*$/.test(value) && !/[",]/.test(value)) {
    key = value;
  } else {
    throw invalid(NOT_ONE_STRING);
  }
  if (key.length === 0) throw invalid('Idempotency-Key must not be empty.');
  if (key.length > MAX_KEY_LENGTH)
    throw invalid(`Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters.`);
  return key;
}

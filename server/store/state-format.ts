import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule.default;

/** One accepted webhook event, as stored (one row of `events`) and exported. */
export interface StoredEvent {
  id: string;
  receivedAt: string;
  type: string;
  series: string;
  value: number;
  occurredAt?: string;
  data?: Record<string, unknown>;
  /** Version-1 JSON state only: SHA-256 (hex) of the client's Idempotency-Key. */
  idempotencyKey?: string;
}

/**
 * The version-1 state file (`state.json`, before the database): still read to import it on first
 * start, to restore version-1 backups, and by `verify`. `version` is the format version.
 */
export interface StateFile {
  format: 'harden-state';
  version: 1;
  updatedAt: string;
  events: StoredEvent[];
}

export const STATE_FORMAT_VERSION = 1;

export const eventSchema = {
  type: 'object',
  required: ['id', 'receivedAt', 'type', 'series', 'value'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 64 },
    receivedAt: { type: 'string', format: 'date-time' },
    type: { type: 'string', minLength: 1, maxLength: 100 },
    series: { type: 'string', minLength: 1, maxLength: 100 },
    value: { type: 'number' },
    occurredAt: { type: 'string', format: 'date-time' },
    data: { type: 'object' },
    idempotencyKey: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  },
} as const;

export const stateSchema = {
  type: 'object',
  required: ['format', 'version', 'updatedAt', 'events'],
  additionalProperties: false,
  properties: {
    format: { const: 'harden-state' },
    version: { const: STATE_FORMAT_VERSION },
    updatedAt: { type: 'string', format: 'date-time' },
    events: { type: 'array', items: eventSchema },
  },
} as const;

const ajv = new Ajv({ allErrors: false, strict: true });
addFormats(ajv);
const validateState = ajv.compile(stateSchema);

/** Parses and validates a version-1 state document; returns a one-line reason when it is not valid. */
export function parseState(text: string): { ok: true; state: StateFile } | { ok: false; reason: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not valid JSON (truncated or corrupt)' };
  }
  if (doc && typeof doc === 'object' && 'version' in doc && typeof doc.version === 'number') {
    if (doc.version > STATE_FORMAT_VERSION) {
      return { ok: false, reason: `format version ${doc.version} is newer than this server understands (1)` };
    }
  }
  if (!validateState(doc)) {
    const e = validateState.errors?.[0];
    return {
      ok: false,
      reason: `does not match the state schema at ${e?.instancePath || '/'}: ${e?.message}`,
    };
  }
  return { ok: true, state: doc as unknown as StateFile };
}

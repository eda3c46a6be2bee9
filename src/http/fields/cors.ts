/**
 * CORS response fields as the Fetch standard's CORS check reads them
 * (https://fetch.spec.whatwg.org/#cors-check): Access-Control-Allow-Origin is taken with "get"
 * (all lines combined), so a duplicated value such as `*, *` is not `*` and fails the check;
 * Access-Control-Allow-Credentials counts only when it is exactly `true` (case-sensitive).
 */
import { combinedValue, type FieldMap } from './field-lines.js';

export interface CorsGrant {
  /** The combined Access-Control-Allow-Origin value, whitespace-trimmed. */
  allowOrigin: string;
  /** Whether Access-Control-Allow-Credentials is exactly `true`. */
  credentials: boolean;
  /** True when Access-Control-Allow-Origin came on several lines or as a list (browsers reject it). */
  repeated: boolean;
}

/** Reads the CORS grant of a response; undefined when it has no Access-Control-Allow-Origin. */
export function readCorsGrant(fields: FieldMap): CorsGrant | undefined {
  const acao = combinedValue(fields, 'access-control-allow-origin');
  if (acao === undefined) return undefined;
  const allowOrigin = acao.trim();
  return {
    allowOrigin,
    credentials: combinedValue(fields, 'access-control-allow-credentials')?.trim() === 'true',
    repeated: allowOrigin.includes(','),
  };
}

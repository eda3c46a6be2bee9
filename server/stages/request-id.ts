import { randomUUID } from 'node:crypto';
import type { Context } from '../context.js';

// RFC 9562 §4: 8-4-4-4-12 hex digits; any version/variant accepted so proxies' ids are preserved.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a canonical RFC 9562 UUID string. */
export function isUuid(value: string): boolean {
  return value.length === 36 && UUID.test(value);
}

/** Echoes a valid client UUID, otherwise mints a fresh one; never reflects anything else. */
export function assignRequestId(ctx: Context): void {
  const given = ctx.req.headers['x-request-id'];
  ctx.requestId = typeof given === 'string' && isUuid(given) ? given : randomUUID();
  ctx.headers['x-request-id'] = ctx.requestId;
}

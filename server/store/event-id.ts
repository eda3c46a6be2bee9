import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** Random bytes for 256 ids, refilled in one call: one getRandomValues per id costs more than the rest. */
const pool = Buffer.alloc(16 * 256);
let used = pool.length;

/**
 * A new event id: an RFC 9562 version 7 UUID (48-bit Unix ms timestamp, then random bits;
 * https://www.rfc-editor.org/rfc/rfc9562#section-5.7). Time-ordered, so new ids land at one end of
 * the id index: a commit touches a few index pages however many random ids are stored already,
 * instead of about one page per event.
 */
export function newEventId(): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const random = pool.subarray(used, used + 16);
  used += 16;
  return uuidv7({ random });
}

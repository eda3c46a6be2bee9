import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Context } from '../context.js';
import { HttpError } from '../errors.js';
import type { NewEvent, StateStore, StoredResponse } from '../store/state-store.js';
import type { KeyReservations } from './reservations.js';

/** How long a key is remembered after its first request, by default: 24 hours (ms). */
export const DEFAULT_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** Outcomes counted on /metrics as harden_idempotency_requests_total{outcome}. */
export type IdempotencyOutcome = 'stored' | 'replayed' | 'payload_mismatch' | 'in_flight';

export interface Idempotency {
  reservations: KeyReservations;
  /** How long a key's first response is kept and replayed (ms). */
  ttlMs: number;
  logger: Logger;
  count(outcome: IdempotencyOutcome): void;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** SHA-256 of the client's key: the key itself is never stored or logged. */
export const hashIdempotencyKey = (key: string): string => sha256(key);

/** The request fingerprint the draft compares keys by: method, path and body (as parsed JSON). */
export const requestFingerprint = (method: string, path: string, body: unknown): string =>
  sha256(`${method}\n${path}\n${JSON.stringify(body)}`);

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Stores one event and answers 202, following draft-ietf-httpapi-idempotency-key-header when the
 * request carries a key: the first response (status, content type, body) is stored with the event
 * in one transaction and replayed as is, with `Idempotent-Replayed: true`, to every retry with the
 * same key and fingerprint until the key expires; the same key with another payload gets 422; a
 * retry while the first is still being processed gets 409 with Retry-After (§2.7). A request that
 * stores nothing (a failed commit) releases its key, so its retry is processed.
 * Errors: HttpError 409, 422, 503.
 */
export async function appendIdempotently(
  ctx: Context,
  store: StateStore,
  idem: Idempotency,
  input: NewEvent,
  key: { value: string; fingerprint: string } | undefined,
): Promise<void> {
  const respond = (event: { id: string }): StoredResponse => ({
    status: 202,
    headers: { 'content-type': JSON_TYPE },
    body: JSON.stringify({ accepted: true, id: event.id, request_id: ctx.requestId }),
  });
  if (!key) {
    const { event } = await store.append(input).catch(storeFailed);
    return sendStored(ctx, respond(event), false);
  }
  const hash = hashIdempotencyKey(key.value);
  const known = store.findKey(hash);
  if (known) return replay(ctx, idem, known.fingerprint, known, key.fingerprint);
  let reservation: Awaited<ReturnType<KeyReservations['reserve']>>;
  try {
    reservation = await idem.reservations.reserve(hash);
  } catch {
    throw new HttpError(
      503,
      'IDEMPOTENCY_UNAVAILABLE',
      'Idempotency keys cannot be checked right now; retry later.',
      {
        headers: { 'retry-after': '5' },
      },
    );
  }
  if (reservation.state === 'in-flight') {
    idem.count('in_flight');
    throw new HttpError(
      409,
      'IDEMPOTENCY_KEY_IN_FLIGHT',
      'A request with this Idempotency-Key is still being processed; retry after it completes.',
      { headers: { 'retry-after': '1' } },
    );
  }
  if (reservation.state === 'done') {
    const { fingerprint, response } = reservation.record;
    return replay(ctx, idem, fingerprint, response, key.fingerprint);
  }
  const { token } = reservation;
  // Committed here between the lookup above and the reservation (its shared record was lost).
  const late = store.findKey(hash);
  if (late) {
    await idem.reservations.release(hash, token).catch(() => undefined);
    return replay(ctx, idem, late.fingerprint, late, key.fingerprint);
  }
  const expiresAt = Date.now() + idem.ttlMs;
  let response: StoredResponse;
  try {
    ({ response } = (await store.append(input, {
      hash,
      fingerprint: key.fingerprint,
      expiresAt,
      respond,
    })) as {
      response: StoredResponse;
    });
  } catch (err) {
    await idem.reservations.release(hash, token).catch(() => undefined);
    storeFailed(err);
  }
  idem.count('stored');
  await idem.reservations
    .complete(hash, token, { fingerprint: key.fingerprint, response: response! }, expiresAt - Date.now())
    .catch((err: Error) =>
      // Stored and acknowledged here; other instances learn the outcome when the lease ends.
      idem.logger.warn({ reqId: ctx.requestId, err: { type: err.name } }, 'idempotency record not shared'),
    );
  sendStored(ctx, response!, false);
}

function replay(
  ctx: Context,
  idem: Idempotency,
  storedFingerprint: string | null,
  response: StoredResponse,
  fingerprint: string,
): void {
  // A key imported from a version-1 state has no fingerprint: it replays for any payload.
  if (storedFingerprint !== null && storedFingerprint !== fingerprint) {
    idem.count('payload_mismatch');
    throw new HttpError(
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used for a different request; use a new key for a new request.',
    );
  }
  idem.count('replayed');
  sendStored(ctx, response, true);
}

function storeFailed(_err: unknown): never {
  // Not acknowledged, so nothing is lost: the client retries (safely, with an Idempotency-Key).
  throw new HttpError(503, 'STATE_WRITE_FAILED', 'The event could not be stored durably; retry later.', {
    headers: { 'retry-after': '5' },
  });
}

/** Sends a stored response byte for byte, with the context's contract headers. */
function sendStored(ctx: Context, response: StoredResponse, replayed: boolean): void {
  const h = ctx.headers;
  Object.assign(h, response.headers);
  if (replayed) h['idempotent-replayed'] = 'true';
  h['content-length'] = Buffer.byteLength(response.body);
  ctx.res.writeHead(response.status, h);
  ctx.res.end(response.body);
}

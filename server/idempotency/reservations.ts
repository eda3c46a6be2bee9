import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { StoredResponse } from '../store/state-store.js';

/** A key's first outcome as shared between instances: its request fingerprint and response. */
export interface SharedRecord {
  fingerprint: string | null;
  response: StoredResponse;
}

/** What reserving a key found: it is ours now, another request holds it, or it is done. */
export type Reservation =
  | { state: 'reserved'; token: string }
  | { state: 'in-flight' }
  | { state: 'done'; record: SharedRecord };

/**
 * Who is processing which Idempotency-Key right now. In memory for one instance; in Redis for
 * several, where reserving is one atomic SET NX PX, so two instances never both own a key.
 */
export interface KeyReservations {
  readonly kind: 'memory' | 'redis';
  /** Reserves `hash` for one request. Rejects when the shared store is unreachable. */
  reserve(hash: string): Promise<Reservation>;
  /** Publishes the committed outcome (Redis: kept for `ttlMs`) and ends the reservation. */
  complete(hash: string, token: string, record: SharedRecord, ttlMs: number): Promise<void>;
  /** Ends a reservation whose request stored nothing, so a retry is processed. */
  release(hash: string, token: string): Promise<void>;
}

export function createMemoryReservations(): KeyReservations {
  const held = new Map<string, string>();
  const end = async (hash: string, token: string) => {
    if (held.get(hash) === token) held.delete(hash);
  };
  return {
    kind: 'memory',
    async reserve(hash) {
      if (held.has(hash)) return { state: 'in-flight' };
      const token = randomUUID();
      held.set(hash, token);
      return { state: 'reserved', token };
    },
    complete: (hash, token) => end(hash, token),
    release: end,
  };
}

/** How long a reservation lives if its holder dies before completing it (ms). */
export const RESERVATION_LEASE_MS = 60_000;

// SET NX PX either takes the key or returns what holds it, in one atomic step.
const RESERVE = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return '' end
return redis.call('GET', KEYS[1])`;
// Replace our reservation (or an expired one) by the outcome; never overwrite another holder's.
const COMPLETE = `local cur = redis.call('GET', KEYS[1])
if cur == false or cur == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const reservationValue = (token: string) => JSON.stringify({ state: 'in-flight', token });

export function createRedisReservations(redis: Redis, prefix: string): KeyReservations {
  const keyOf = (hash: string) => `${prefix}:idem:${hash}`;
  return {
    kind: 'redis',
    async reserve(hash) {
      const token = randomUUID();
      const found = (await redis.eval(
        RESERVE,
        1,
        keyOf(hash),
        reservationValue(token),
        RESERVATION_LEASE_MS,
      )) as string | null;
      if (found === '') return { state: 'reserved', token };
      if (found === null) return { state: 'in-flight' };
      const value = JSON.parse(found) as { state: string } & Partial<SharedRecord>;
      if (value.state === 'done' && value.response)
        return {
          state: 'done',
          record: { fingerprint: value.fingerprint ?? null, response: value.response },
        };
      return { state: 'in-flight' };
    },
    async complete(hash, token, record, ttlMs) {
      await redis.eval(
        COMPLETE,
        1,
        keyOf(hash),
        reservationValue(token),
        JSON.stringify({ state: 'done', ...record }),
        Math.max(1, Math.round(ttlMs)),
      );
    },
    async release(hash, token) {
      await redis.eval(RELEASE, 1, keyOf(hash), reservationValue(token));
    },
  };
}

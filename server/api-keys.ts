import { hash, timingSafeEqual } from 'node:crypto';
import type { PolicyName } from './policies.js';

/** A key as configured: bypass keys skip rate limiting (internal tools); override keys get own limits. */
export interface ApiKeyConfig {
  /** Label used in logs instead of the key. */
  name: string;
  key: string;
  kind: 'bypass' | 'override';
  limits?: Partial<Record<PolicyName, number>>;
}

export interface MatchedKey {
  kind: 'bypass' | 'override';
  id: string;
  limits?: Partial<Record<PolicyName, number>>;
}

export interface ApiKeyMatcher {
  match(presented: string | undefined): MatchedKey | undefined;
  readonly size: number;
}

// crypto.hash (Node ≥ 20.12) is the one-shot form: no Hash object per request.
const digest = (value: string): Buffer => hash('sha256', value, 'buffer') as unknown as Buffer;

/**
 * Compares a presented key with every configured one in constant time: both sides are hashed to
 * 32 bytes first, so neither the content nor the length of a key leaks through timing, and every
 * configured key is compared even after a match.
 */
export function createApiKeyMatcher(keys: readonly ApiKeyConfig[]): ApiKeyMatcher {
  const entries = keys.map((k) => ({
    hash: digest(k.key),
    result: { kind: k.kind, id: k.name, ...(k.limits ? { limits: k.limits } : {}) } as MatchedKey,
  }));
  return {
    size: entries.length,
    match(presented) {
      if (!presented || entries.length === 0) return undefined;
      const h = digest(presented);
      let found: MatchedKey | undefined;
      for (const e of entries) if (timingSafeEqual(h, e.hash) && !found) found = e.result;
      return found;
    },
  };
}

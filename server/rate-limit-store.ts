import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { POLICIES, type Policy, type PolicyName } from './policies.js';

/** Outcome of counting one request against one budget. */
export interface ConsumeResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the current window ends. */
  msBeforeReset: number;
}

/** Counting is kept apart from HTTP: the rate-limit stage only talks to this interface. */
export interface RateLimitStore {
  readonly kind: 'memory' | 'redis';
  consume(policy: PolicyName, key: string, limitOverride?: number): Promise<ConsumeResult>;
}

type Limiter = RateLimiterMemory | RateLimiterRedis;

function createLimiter(policy: Policy, limit: number, prefix: string, redis?: Redis): Limiter {
  const options = { points: limit, duration: policy.windowSec, keyPrefix: prefix };
  // rejectIfRedisNotReady: while ioredis is reconnecting, fail at once instead of trying the command.
  return redis
    ? new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true })
    : new RateLimiterMemory(options);
}

/**
 * A store backed by rate-limiter-flexible: in memory by default, or in Redis, where the increment is
 * one atomic Redis operation so that several server processes share one budget.
 */
export function createRateLimitStore(redis?: Redis, keyPrefix = 'hc:rl'): RateLimitStore {
  const limiters = new Map<string, Limiter>();
  const limiterFor = (name: PolicyName, limit: number): Limiter => {
    const id = `${name}:${limit}`;
    let limiter = limiters.get(id);
    if (!limiter) {
      const policy = POLICIES[name];
      // An override gets its own key space so it never shares a counter with the base policy.
      const prefix = limit === policy.limit ? `${keyPrefix}:${name}` : `${keyPrefix}:${name}:${limit}`;
      limiter = createLimiter(policy, limit, prefix, redis);
      limiters.set(id, limiter);
    }
    return limiter;
  };
  return {
    kind: redis ? 'redis' : 'memory',
    async consume(name, key, limitOverride) {
      const limit = limitOverride ?? POLICIES[name].limit;
      const limiter = limiterFor(name, limit);
      try {
        const res = await limiter.consume(key, 1);
        return { allowed: true, limit, remaining: res.remainingPoints, msBeforeReset: res.msBeforeNext };
      } catch (err) {
        if (err instanceof RateLimiterRes) {
          return { allowed: false, limit, remaining: 0, msBeforeReset: err.msBeforeNext };
        }
        throw err;
      }
    },
  };
}

import { startTestRedis } from './helpers/redis.js';

/**
 * One redis-server for the whole run on a free loopback port, unless REDIS_URL names one already;
 * the test workers inherit REDIS_URL. Stopped by its PID (SIGTERM to the child) at the end.
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.REDIS_URL) return undefined;
  const redis = await startTestRedis({ own: true });
  process.env.REDIS_URL = redis.url;
  return async () => {
    delete process.env.REDIS_URL;
    await redis.stop();
  };
}

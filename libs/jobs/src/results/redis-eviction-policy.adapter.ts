import type { RedisClient } from './redis-keys';

/** Redis's maxmemory-policy, or undefined when CONFIG GET is not allowed (managed services). */
export async function readEvictionPolicy(redis: RedisClient): Promise<string | undefined> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    return reply[1];
  } catch (err) {
    if (/unknown command|NOPERM|not allowed/i.test((err as Error).message)) return undefined;
    throw err;
  }
}

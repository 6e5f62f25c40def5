import type { KeyClaim } from '../interfaces/job-store.interface';
import { decodeKeyClaim, encodeKeyClaim } from '../submission/key-claim-value';
import { type RedisClient, RedisKeys } from './redis-keys';

/** Idempotency keys: the first submission's fingerprint and job ids, kept as long as the results. */
export class IdempotencyKeys {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly ttlSeconds: number,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  async claim(keyHash: string, fingerprint: string, jobIds: readonly string[]): Promise<KeyClaim> {
    const key = this.keys.idempotency(keyHash);
    const set = await this.redis.set(key, encodeKeyClaim(fingerprint, jobIds), 'EX', this.ttlSeconds, 'NX');
    if (set === 'OK') return { first: true, fingerprint, jobIds: [...jobIds] };
    const held = await this.redis.get(key);
    // Expired between the two calls: this submission is a first one again.
    if (held === null) return this.claim(keyHash, fingerprint, jobIds);
    return { first: false, ...decodeKeyClaim(held) };
  }
}

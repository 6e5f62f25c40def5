import { type RedisClient, RedisKeys } from './redis-keys';

/** What the first submission under a key was. */
export interface KeyClaim {
  /** True when this call claimed the key (a first submission). */
  first: boolean;
  /** Fingerprint of the submission that claimed it. */
  fingerprint: string;
  /** Job ids of the submission that claimed it. */
  jobIds: string[];
}

/** Idempotency keys: the first submission's fingerprint, kept as long as the results. */
export class IdempotencyKeys {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly ttlSeconds: number,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  /** Claims the key for a submission with these job ids; a key already claimed returns its first claim. */
  async claim(keyHash: string, fingerprint: string, jobIds: string[]): Promise<KeyClaim> {
    const key = this.keys.idempotency(keyHash);
    const set = await this.redis.set(key, `${fingerprint} ${jobIds.join(',')}`, 'EX', this.ttlSeconds, 'NX');
    if (set === 'OK') return { first: true, fingerprint, jobIds };
    const held = await this.redis.get(key);
    // Expired between the two calls: this submission is a first one again.
    if (held === null) return this.claim(keyHash, fingerprint, jobIds);
    const [heldFingerprint, ids = ''] = held.split(' ');
    return { first: false, fingerprint: heldFingerprint, jobIds: ids.split(',').filter(Boolean) };
  }
}

import { type RedisClient, RedisKeys } from './redis-keys';

/**
 * The ids of each tenant's jobs that may not have finished, in one Redis set per tenant (kept as
 * long as the results), for its `jobs_queued` limit across nodes. Members are pruned when
 * counted: the store drops those that finished or are gone, so a set holds at most about the
 * tenant's limit.
 */
export class TenantJobSets {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly ttlSeconds: number,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  async add(tenant: string, jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return;
    const key = this.keys.tenantJobs(tenant);
    await this.redis
      .multi()
      .sadd(key, ...jobIds)
      .expire(key, this.ttlSeconds)
      .exec();
  }

  members(tenant: string): Promise<string[]> {
    return this.redis.smembers(this.keys.tenantJobs(tenant));
  }

  async remove(tenant: string, jobIds: readonly string[]): Promise<void> {
    if (jobIds.length > 0) await this.redis.srem(this.keys.tenantJobs(tenant), ...jobIds);
  }
}

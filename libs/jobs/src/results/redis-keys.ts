import type { Queue } from 'bull';

/** The Redis client type Bull uses (ioredis). */
export type RedisClient = Queue['client'];

/** Key names of what the jobs API keeps in Redis next to Bull's own keys. */
export class RedisKeys {
  constructor(private readonly prefix: string) {}

  result(jobId: string): string {
    return `${this.prefix}:jobs:result:${jobId}`;
  }

  stream(streamId: string): string {
    return `${this.prefix}:jobs:stream:${streamId}`;
  }

  streamSeq(streamId: string): string {
    return `${this.prefix}:jobs:stream:${streamId}:seq`;
  }

  idempotency(keyHash: string): string {
    return `${this.prefix}:jobs:idem:${keyHash}`;
  }

  tenantJobs(tenant: string): string {
    return `${this.prefix}:jobs:tenant:${tenant}`;
  }
}

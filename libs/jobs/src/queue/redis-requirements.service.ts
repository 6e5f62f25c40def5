import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { withTimeout } from '@switchyard/common';
import { getQueueToken } from '@nestjs/bull';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import type { Queue } from 'bull';
import { JOBS_QUEUE } from '../jobs.constants';
import { readEvictionPolicy } from '../results/redis-eviction-policy.adapter';

const CHECK_TIMEOUT_MS = 5000;

/**
 * Checks at start-up that Redis keeps what the queue writes: with any maxmemory-policy but
 * noeviction, Redis may evict jobs, locks or results under memory pressure and jobs are lost
 * silently. Warns, or refuses to start with SWITCHYARD_JOBS_REQUIRE_NOEVICTION=true.
 */
@Injectable()
export class RedisRequirementsService implements OnModuleInit {
  private readonly logger = new Logger(RedisRequirementsService.name);

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    @Inject(getQueueToken(JOBS_QUEUE)) private readonly queue: Queue,
  ) {}

  async onModuleInit(): Promise<void> {
    const check = this.check();
    if (this.config.jobs.requireNoEviction) {
      const problem = await check;
      if (problem) throw new Error(`${problem} (SWITCHYARD_JOBS_REQUIRE_NOEVICTION=true)`);
    } else {
      void check.then((problem) => problem && this.logger.warn(problem));
    }
  }

  /** A description of what is wrong, or undefined when Redis is fit for the queue. */
  private async check(): Promise<string | undefined> {
    const where = redactedUrl(this.config.redis.url!);
    let policy: string | undefined;
    try {
      policy = await withTimeout(readEvictionPolicy(this.queue.client), CHECK_TIMEOUT_MS);
    } catch (err) {
      return `Redis at ${where} is unreachable (${(err as Error).message}): jobs are refused with 503 until it is`;
    }
    if (policy === undefined) {
      return `cannot read Redis's maxmemory-policy at ${where} (CONFIG GET is not allowed): make sure it is noeviction, or jobs may be evicted and lost`;
    }
    if (policy !== 'noeviction') {
      return `Redis at ${where} has maxmemory-policy ${policy}: under memory pressure it evicts keys, losing queued jobs and locks. Set it to noeviction (CONFIG SET maxmemory-policy noeviction, or maxmemory-policy noeviction in redis.conf)`;
    }
    this.logger.log(`jobs queue on Redis at ${where} (maxmemory-policy noeviction), node ${this.config.jobs.nodeId}`);
    return undefined;
  }
}

function redactedUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

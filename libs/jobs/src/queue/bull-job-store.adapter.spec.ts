import { loadConfig } from '@switchyard/config';
import Bull, { type Queue } from 'bull';
import type { JobPayload } from '../interfaces/job-payload.interface';
import { IdempotencyKeys } from '../results/idempotency-keys.adapter';
import { JobOutcomeStore } from '../results/job-outcome-store.adapter';
import { RedisResultStreams } from '../results/redis-result-streams.adapter';
import { TenantJobSets } from '../results/tenant-job-sets.adapter';
import { describeJobStoreConformance } from '../testing/job-store.conformance';
import { RedisServer } from '../testing/redis-server';
import { BullJobStore } from './bull-job-store.adapter';
import { bullQueueOptions } from './bull-queue-options';

const redis = new RedisServer();
let spec = 0;

beforeAll(() => redis.start(), 20_000);
afterAll(() => redis.stop());

describeJobStoreConformance('Bull on Redis (a real redis-server)', async () => {
  const prefix = `conf${++spec}`;
  const config = loadConfig({}, { REDIS_URL: redis.url, JOBS_PREFIX: prefix });
  const queue: Queue<JobPayload> = new Bull<JobPayload>('infer', redis.url, bullQueueOptions(config));
  const outcomes = new JobOutcomeStore(queue.client, { prefix, resultTtlSeconds: 60, streamMaxLength: 1000 });
  return {
    store: new BullJobStore(queue, outcomes, new IdempotencyKeys(queue.client, prefix, 60), new TenantJobSets(queue.client, prefix, 60)),
    streams: new RedisResultStreams(queue.client, prefix),
    close: () => queue.close(),
  };
});

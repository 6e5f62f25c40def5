import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { BullModule, getQueueToken } from '@nestjs/bull';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { InferenceModule } from '@switchyard/inference';
import { ModelsModule } from '@switchyard/models';
import { SchedulerModule } from '@switchyard/scheduler';
import type { Queue } from 'bull';
import { JobsController } from './controllers/jobs.controller';
import { JOBS_QUEUE } from './jobs.constants';
import { JOB_CONSUMER, JOB_RUNNER, JOB_STORE, JOBS_API, RESULT_STREAMS } from './jobs.tokens';
import { bullQueueOptions } from './queue/bull-queue-options';
import { BullJobStore } from './queue/bull-job-store.adapter';
import { ConsumerQueueFactory } from './queue/consumer-queue.factory';
import { InferenceJobRunner } from './queue/inference-job.runner';
import { JobConsumerService } from './queue/job-consumer.service';
import { RedisRequirementsService } from './queue/redis-requirements.service';
import { RemoteTierWaitService } from './queue/remote-tier-wait.service';
import { IdempotencyKeys } from './results/idempotency-keys.adapter';
import { TenantJobSets } from './results/tenant-job-sets.adapter';
import { JobOutcomeStore } from './results/job-outcome-store.adapter';
import { RedisResultStreams } from './results/redis-result-streams.adapter';
import { JobsService } from './services/jobs.service';
import { SqliteJobsDatabase } from './sqlite/sqlite-database.adapter';
import { SqliteJobConsumerService } from './sqlite/sqlite-job-consumer.service';
import { SqliteJobQueue } from './sqlite/sqlite-job-queue.adapter';
import { SqliteJobStore } from './sqlite/sqlite-job-store.adapter';
import { SqliteResultStreams } from './sqlite/sqlite-result-streams.adapter';
import { SqliteStoreLifecycleService } from './sqlite/sqlite-store-lifecycle.service';
import { JobsStreamGateway } from './stream/jobs-stream.gateway';
import { JobRequestValidator } from './submission/job-request.validator';
import type { JobPayload } from './interfaces/job-payload.interface';

const QUEUE = getQueueToken(JOBS_QUEUE);

/** Bull on the producing queue's Redis client, for many nodes. */
const redisProviders: Provider[] = [
  {
    provide: JOB_STORE,
    inject: [QUEUE, SWITCHYARD_CONFIG],
    useFactory: (queue: Queue<JobPayload>, config: SwitchyardConfig) => {
      const j = config.jobs;
      const outcomes = new JobOutcomeStore(queue.client, {
        prefix: j.prefix,
        resultTtlSeconds: j.resultTtlSeconds,
        streamMaxLength: j.streamMaxLength,
      });
      return new BullJobStore(
        queue,
        outcomes,
        new IdempotencyKeys(queue.client, j.prefix, j.resultTtlSeconds),
        new TenantJobSets(queue.client, j.prefix, j.resultTtlSeconds),
      );
    },
  },
  {
    provide: RESULT_STREAMS,
    inject: [QUEUE, SWITCHYARD_CONFIG],
    useFactory: (queue: Queue, config: SwitchyardConfig) => new RedisResultStreams(queue.client, config.jobs.prefix),
  },
  RedisRequirementsService,
  ConsumerQueueFactory,
  JobConsumerService,
  { provide: JOB_CONSUMER, useExisting: JobConsumerService },
];

/** The embedded store of a single node: one SQLite file under SWITCHYARD_DATA_DIR. */
const sqliteProviders: Provider[] = [
  {
    provide: SqliteJobsDatabase,
    inject: [SWITCHYARD_CONFIG],
    useFactory: (config: SwitchyardConfig) => new SqliteJobsDatabase(config.jobs.dataDir),
  },
  {
    provide: SqliteJobStore,
    inject: [SqliteJobsDatabase, SWITCHYARD_CONFIG],
    useFactory: (db: SqliteJobsDatabase, config: SwitchyardConfig) =>
      new SqliteJobStore(db, { attempts: config.jobs.attempts, ttlMs: config.jobs.resultTtlSeconds * 1000 }),
  },
  { provide: JOB_STORE, useExisting: SqliteJobStore },
  {
    provide: SqliteJobQueue,
    inject: [SqliteJobsDatabase, SWITCHYARD_CONFIG],
    useFactory: (db: SqliteJobsDatabase, config: SwitchyardConfig) => new SqliteJobQueue(db, config.jobs.resultTtlSeconds * 1000),
  },
  { provide: RESULT_STREAMS, inject: [SqliteJobsDatabase], useFactory: (db: SqliteJobsDatabase) => new SqliteResultStreams(db) },
  SqliteJobConsumerService,
  { provide: JOB_CONSUMER, useExisting: SqliteJobConsumerService },
  SqliteStoreLifecycleService,
];

/**
 * Durable async jobs (POST/GET/DELETE /v1/jobs) and the result stream (WebSocket /v1/stream).
 * With SWITCHYARD_REDIS_URL: a Bull queue in Redis shared by every node. Without: the embedded
 * SQLite store under SWITCHYARD_DATA_DIR, for one process. Same routes and rules on both (one
 * JobStore contract, one conformance suite). The app must call configureJobsStream(app, config)
 * before init (the stream's WebSocket adapter).
 */
@Module({})
export class JobsModule {
  static forConfig(config: SwitchyardConfig): DynamicModule {
    const redis = Boolean(config.redis.url);
    return {
      module: JobsModule,
      imports: [
        ...(redis ? [BullModule.registerQueue({ name: JOBS_QUEUE, url: config.redis.url, ...bullQueueOptions(config) })] : []),
        InferenceModule,
        ModelsModule,
        SchedulerModule,
      ],
      controllers: [JobsController],
      providers: [
        ...(redis ? redisProviders : sqliteProviders),
        { provide: JOB_RUNNER, useClass: InferenceJobRunner },
        JobRequestValidator,
        RemoteTierWaitService,
        JobsService,
        { provide: JOBS_API, useExisting: JobsService },
        JobsStreamGateway,
      ],
      exports: [JOBS_API, JOB_STORE, JOB_CONSUMER, redis ? JobConsumerService : SqliteJobConsumerService],
    };
  }
}

import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { BullModule, getQueueToken } from '@nestjs/bull';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { InferenceModule } from '@switchyard/inference';
import { ModelsModule } from '@switchyard/models';
import { SchedulerModule } from '@switchyard/scheduler';
import type { Queue } from 'bull';
import { JobsController } from './controllers/jobs.controller';
import { StreamUnavailableController } from './controllers/stream-unavailable.controller';
import { JOBS_QUEUE } from './jobs.constants';
import { JOB_RUNNER, JOBS_API, RESULT_STREAMS } from './jobs.tokens';
import { bullQueueOptions } from './queue/bull-queue-options';
import { ConsumerQueueFactory } from './queue/consumer-queue.factory';
import { InferenceJobRunner } from './queue/inference-job.runner';
import { JobConsumerService } from './queue/job-consumer.service';
import { RedisRequirementsService } from './queue/redis-requirements.service';
import { IdempotencyKeys } from './results/idempotency-keys.adapter';
import { JobOutcomeStore } from './results/job-outcome-store.adapter';
import { RedisResultStreams } from './results/redis-result-streams.adapter';
import { RedisJobsService } from './services/redis-jobs.service';
import { RedisRequiredService } from './services/redis-required.service';
import { JobsStreamGateway } from './stream/jobs-stream.gateway';
import { JobRequestValidator } from './submission/job-request.validator';

const QUEUE = getQueueToken(JOBS_QUEUE);

/** Providers built on the producing queue's Redis client. */
const redisProviders: Provider[] = [
  {
    provide: JobOutcomeStore,
    inject: [QUEUE, SWITCHYARD_CONFIG],
    useFactory: (queue: Queue, config: SwitchyardConfig) =>
      new JobOutcomeStore(queue.client, {
        prefix: config.jobs.prefix,
        resultTtlSeconds: config.jobs.resultTtlSeconds,
        streamMaxLength: config.jobs.streamMaxLength,
      }),
  },
  {
    provide: IdempotencyKeys,
    inject: [QUEUE, SWITCHYARD_CONFIG],
    useFactory: (queue: Queue, config: SwitchyardConfig) => new IdempotencyKeys(queue.client, config.jobs.prefix, config.jobs.resultTtlSeconds),
  },
  {
    provide: RESULT_STREAMS,
    inject: [QUEUE, SWITCHYARD_CONFIG],
    useFactory: (queue: Queue, config: SwitchyardConfig) => new RedisResultStreams(queue.client, config.jobs.prefix),
  },
];

/**
 * Durable async jobs (POST/GET/DELETE /v1/jobs) and the result stream (WebSocket /v1/stream) on a
 * Bull queue in Redis shared by every node. Without SWITCHYARD_REDIS_URL the same routes answer
 * 503 saying how to turn them on, and nothing connects to Redis. With it, the app must call
 * configureJobsStream(app, config) before init (the stream's WebSocket adapter).
 */
@Module({})
export class JobsModule {
  static forConfig(config: SwitchyardConfig): DynamicModule {
    if (!config.redis.url) {
      return {
        module: JobsModule,
        // No gateway here: a WebSocket gateway needs the adapter (configureJobsStream), and a
        // node without Redis must start whatever its bootstrap wires.
        controllers: [JobsController, StreamUnavailableController],
        providers: [RedisRequiredService, { provide: JOBS_API, useExisting: RedisRequiredService }],
      };
    }
    return {
      module: JobsModule,
      imports: [BullModule.registerQueue({ name: JOBS_QUEUE, url: config.redis.url, ...bullQueueOptions(config) }), InferenceModule, ModelsModule, SchedulerModule],
      controllers: [JobsController],
      providers: [
        ...redisProviders,
        { provide: JOB_RUNNER, useClass: InferenceJobRunner },
        JobRequestValidator,
        RedisJobsService,
        { provide: JOBS_API, useExisting: RedisJobsService },
        RedisRequirementsService,
        ConsumerQueueFactory,
        JobConsumerService,
        JobsStreamGateway,
      ],
      exports: [JOBS_API, JobConsumerService],
    };
  }
}

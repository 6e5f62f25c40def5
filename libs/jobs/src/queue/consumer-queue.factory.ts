import { Inject, Injectable } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import Bull, { type Queue } from 'bull';
import { JOBS_QUEUE } from '../jobs.constants';
import type { JobPayload } from '../interfaces/job-payload.interface';
import { bullQueueOptions } from './bull-queue-options';

/**
 * Creates the queue a node consumes from: its own Bull client, apart from the one the API
 * enqueues with, so that the watchdog can replace it without touching the API.
 */
@Injectable()
export class ConsumerQueueFactory {
  constructor(@Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig) {}

  create(): Queue<JobPayload> {
    return new Bull<JobPayload>(JOBS_QUEUE, this.config.redis.url!, bullQueueOptions(this.config));
  }
}

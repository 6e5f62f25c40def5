import type { JobPayload } from '../interfaces/job-payload.interface';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { ModelRepositoryService } from '@switchyard/models';
import { RuntimeService } from '@switchyard/runtime';
import { SchedulerService } from '@switchyard/scheduler';
import { JOBS_SHUTDOWN_WAIT_MS } from '../jobs.constants';
import { JOB_RUNNER } from '../jobs.tokens';
import type { JobDelivery } from '../interfaces/job-delivery.interface';
import type { JobConsumer } from '../interfaces/job-consumer.interface';
import type { JobRunner } from '../interfaces/job-runner.interface';
import { consumerConcurrency } from '../queue/consumer-concurrency';
import { finalFailureRecord } from '../queue/failure-recorder';
import { JobProcessor } from '../queue/job-processor';
import { RemoteTierWaitService } from '../queue/remote-tier-wait.service';
import { SqliteJobQueue } from './sqlite-job-queue.adapter';
import { type SqliteJobRow, toStoredJob } from './sqlite-job-row';
import { SqliteJobStore } from './sqlite-job-store.adapter';
import { SqliteJobsDatabase } from './sqlite-database.adapter';

/** Due retries and missed signals are picked up within this period. */
const POLL_MS = 250;

/**
 * Runs the jobs of the embedded SQLite queue on this node, as many at once as its device pools
 * hold (or SWITCHYARD_JOBS_CONCURRENCY), highest priority first. At start it puts back the jobs a
 * previous process was running when it ended: at-least-once, as with Bull, and the write-once
 * outcome keeps a job that ran twice from being reported twice.
 */
@Injectable()
export class SqliteJobConsumerService implements JobConsumer, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SqliteJobConsumerService.name);
  private readonly processor: JobProcessor;
  private readonly onAdded = (): void => this.pump();
  private timer: NodeJS.Timeout | undefined;
  private concurrency = 0;
  private inFlight = 0;
  private started = false;
  private stopping = false;
  private stopped?: Promise<void>;

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly runtime: RuntimeService,
    private readonly models: ModelRepositoryService,
    private readonly scheduler: SchedulerService,
    private readonly database: SqliteJobsDatabase,
    private readonly queue: SqliteJobQueue,
    private readonly store: SqliteJobStore,
    @Inject(JOB_RUNNER) runner: JobRunner,
    remoteWait: RemoteTierWaitService,
  ) {
    this.processor = new JobProcessor(runner, store.outcomes, config.jobs.nodeId, undefined, remoteWait);
  }

  onApplicationBootstrap(): void {
    if (!this.config.jobs.worker) {
      this.logger.log(`node ${this.config.jobs.nodeId} takes no jobs (SWITCHYARD_JOBS_WORKER=false): jobs wait in ${this.database.path}`);
      return;
    }
    this.start().catch((err: Error) => this.logger.error(`the job consumer did not start: ${err.message}`));
  }

  load(): { inFlight: number; concurrency: number } {
    return { inFlight: this.inFlight, concurrency: this.concurrency };
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  stop(waitMs = JOBS_SHUTDOWN_WAIT_MS): Promise<void> {
    this.stopped ??= this.stopTaking(waitMs);
    return this.stopped;
  }

  private async stopTaking(waitMs: number): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.database.events.off('added', this.onAdded);
    // let the running jobs finish while the device pools are still up; the rest run at next start
    const until = Date.now() + waitMs;
    while (this.inFlight > 0 && Date.now() < until) await delay(20);
    if (this.inFlight > 0) this.logger.warn(`${this.inFlight} job(s) still running after ${waitMs} ms: they run again at the next start`);
  }

  private async start(): Promise<void> {
    await this.models.whenLoaded();
    if (this.stopping) return;
    const { concurrency, capacity } = consumerConcurrency(this.config, this.runtime);
    this.concurrency = concurrency;
    const { requeued, failed } = this.queue.recover(this.config.jobs.maxStalledCount);
    for (const row of failed) await this.recordFailure(row);
    if (requeued + failed.length > 0)
      this.logger.warn(`${requeued} job(s) cut by the last exit run again; ${failed.length} cut too often failed`);
    this.started = true;
    this.database.events.on('added', this.onAdded);
    this.timer = setInterval(this.onAdded, POLL_MS);
    this.timer.unref();
    this.logger.log(
      `node ${this.config.jobs.nodeId} takes up to ${concurrency} job(s) at once from ${this.database.path} (device capacity ${capacity})`,
    );
    this.pump();
  }

  /** Takes due jobs into the free slots. */
  private pump(): void {
    if (!this.started || this.stopping || !this.database.open || this.deepLocalQueues()) return;
    try {
      for (const row of this.queue.take(this.concurrency - this.inFlight)) void this.run(row);
    } catch (err) {
      this.logger.warn(`taking jobs failed: ${(err as Error).message}`);
    }
  }

  private deepLocalQueues(): boolean {
    const limit = this.config.jobs.pauseQueuedJobs;
    return limit > 0 && this.scheduler.queues().reduce((sum, q) => sum + q.queuedJobs, 0) > limit;
  }

  private async run(row: SqliteJobRow): Promise<void> {
    this.inFlight++;
    let discarded = false;
    const delivery: JobDelivery = {
      id: row.id,
      data: JSON.parse(row.payload) as JobPayload,
      attemptsMade: row.attempts_made,
      discard: () => void (discarded = true),
      progress: async (value) => this.database.open && this.queue.progress(row.id, value),
    };
    try {
      await this.processor.process(delivery);
      if (this.database.open) this.queue.complete(row.id);
    } catch (err) {
      await this.failed(row, err as Error, discarded).catch((e: Error) =>
        this.logger.warn(`job ${row.id}: its failure could not be recorded: ${e.message}`),
      );
    } finally {
      this.inFlight--;
      this.pump();
    }
  }

  private async failed(row: SqliteJobRow, err: Error, discarded: boolean): Promise<void> {
    if (!this.database.open) return; // shut down under it: it runs again at the next start
    const attempts = row.attempts_made + 1;
    if (discarded || attempts >= row.max_attempts) {
      const ended = this.queue.fail(row.id, err, true);
      if (ended) await this.recordFailure(ended);
      return;
    }
    // Bull's exponential backoff: backoff, 2 x backoff, 4 x backoff, ...
    this.queue.retry(row.id, err, Date.now() + this.config.jobs.backoffMs * 2 ** (attempts - 1));
  }

  private async recordFailure(row: SqliteJobRow): Promise<void> {
    const job = toStoredJob(row);
    await this.store.outcomes.store(finalFailureRecord(row.id, job, this.config.jobs.nodeId), job.payload.streamId);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

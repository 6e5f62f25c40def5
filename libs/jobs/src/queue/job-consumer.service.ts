import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { ModelRepositoryService } from '@switchyard/models';
import { RuntimeService } from '@switchyard/runtime';
import { SchedulerService } from '@switchyard/scheduler';
import type { Job, Queue } from 'bull';
import { JOBS_SHUTDOWN_WAIT_MS } from '../jobs.constants';
import { JOB_RUNNER, JOB_STORE } from '../jobs.tokens';
import type { JobStore } from '../interfaces/job-store.interface';
import type { JobPayload } from '../interfaces/job-payload.interface';
import type { JobConsumer } from '../interfaces/job-consumer.interface';
import type { JobRunner } from '../interfaces/job-runner.interface';
import { consumerConcurrency } from './consumer-concurrency';
import { ConsumerQueueFactory } from './consumer-queue.factory';
import { ConsumerWatchdog } from './consumer-watchdog';
import { recordFinalFailure } from './failure-recorder';
import { JobProcessor } from './job-processor';
import { RemoteTierWaitService } from './remote-tier-wait.service';

const FORCED_CLOSE_MS = 2000;
/** Shutdown closes the queue once no delivery has been open for this long. */
const QUIET_MS = 100;

/**
 * Pulls jobs from the shared Bull queue as fast as this node's devices can run them: Bull concurrency
 * is the total capacity of the device pools (or SWITCHYARD_JOBS_CONCURRENCY), so a fleet of
 * unequal hosts balances itself. Starts once the models are loaded. A watchdog recovers a
 * consumer that stopped fetching (Bull #1873), and consumption pauses while the local device
 * queues are deeper than SWITCHYARD_JOBS_PAUSE_QUEUED.
 */
@Injectable()
export class JobConsumerService implements JobConsumer, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobConsumerService.name);
  private readonly processor: JobProcessor;
  private queue: Queue<JobPayload> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private watchdog: ConsumerWatchdog | undefined;
  private concurrency = 0;
  private inFlight = 0;
  /** Deliveries of the current queue whose end Bull has not yet written to Redis (completed/failed). */
  private unsettled = 0;
  /** Failure records being written (after Bull's 'failed' event): shutdown waits for them too. */
  private readonly recordings = new Set<Promise<void>>();
  private lastStartedAt = 0;
  private pausedForLoad = false;
  private stopping = false;
  private ticking = false;
  private stopped: Promise<void> | undefined;

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly runtime: RuntimeService,
    private readonly models: ModelRepositoryService,
    private readonly scheduler: SchedulerService,
    private readonly queues: ConsumerQueueFactory,
    @Inject(JOB_STORE) private readonly store: JobStore,
    @Inject(JOB_RUNNER) runner: JobRunner,
    remoteWait: RemoteTierWaitService,
  ) {
    this.processor = new JobProcessor(runner, store.outcomes, config.jobs.nodeId, undefined, remoteWait);
  }

  onApplicationBootstrap(): void {
    if (!this.config.jobs.worker) {
      this.logger.log(`node ${this.config.jobs.nodeId} takes no jobs (SWITCHYARD_JOBS_WORKER=false): it only enqueues`);
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

  /**
   * Takes no more jobs, lets the running ones finish for at most `waitMs`, then closes the queue
   * (what still runs then is redelivered elsewhere). The graceful drain calls it first thing, with
   * its exit timeout; the app's shutdown calls it again, which waits for the same stop.
   */
  stop(waitMs = JOBS_SHUTDOWN_WAIT_MS): Promise<void> {
    this.stopped ??= this.stopTaking(waitMs);
    return this.stopped;
  }

  private async stopTaking(waitMs: number): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    const queue = this.queue;
    if (!queue) return;
    // Take no more jobs, and let the running ones finish (their outcomes stored, their ends
    // written by Bull) while the device pools are still up. Bull's own close() would wait on
    // Redis without a bound.
    queue.pause(true, true).catch(() => undefined);
    // settled for a moment: a fetch that was under way when the queue paused still delivers
    const until = Date.now() + waitMs;
    let quietSince = Date.now();
    while (Date.now() < until) {
      if (this.unsettled > 0) quietSince = Date.now();
      else if (Date.now() - quietSince >= QUIET_MS) break;
      await delay(20);
    }
    if (this.unsettled > 0)
      this.logger.warn(`${this.unsettled} job(s) still running after ${waitMs} ms (Redis away?): leaving them to be redelivered`);
    // a job that failed for good has its outcome record written after Bull's 'failed' event:
    // closing the connection before that would leave a failed job without its reasons
    if (this.recordings.size > 0) await Promise.race([Promise.allSettled([...this.recordings]), delay(Math.max(0, until - Date.now()))]);
    this.queue = undefined;
    await forceClose(queue);
  }

  private async start(): Promise<void> {
    await this.models.whenLoaded();
    if (this.stopping) return;
    const { concurrency, capacity } = consumerConcurrency(this.config, this.runtime);
    this.concurrency = concurrency;
    this.consume();
    this.logger.log(`node ${this.config.jobs.nodeId} takes up to ${this.concurrency} job(s) at once (device capacity ${capacity})`);
    const { watchdogMs, pauseQueuedJobs } = this.config.jobs;
    if (watchdogMs > 0) this.watchdog = new ConsumerWatchdog(watchdogMs);
    if (watchdogMs > 0 || pauseQueuedJobs > 0) {
      const tickMs = Math.max(200, Math.min(2000, watchdogMs > 0 ? watchdogMs / 4 : 1000));
      this.timer = setInterval(() => void this.tick(), tickMs);
      this.timer.unref();
    }
  }

  /** Creates the consuming queue and starts Bull's fetch loops on it. */
  private consume(): void {
    const queue = this.queues.create();
    this.queue = queue;
    this.pausedForLoad = false;
    this.unsettled = 0;
    const settled = (): void => {
      if (this.queue === queue && this.unsettled > 0) this.unsettled--;
    };
    queue.on('completed', settled);
    let lastError = 0;
    queue.on('error', (err: Error) => {
      // ioredis repeats connection errors while Redis is away: one line per 10 s is enough.
      if (Date.now() - lastError > 10_000) this.logger.warn(`Redis: ${err.message}`);
      lastError = Date.now();
    });
    queue.on('failed', (job: Job<JobPayload>) => {
      settled();
      const recording: Promise<void> = recordFinalFailure(job, this.config.jobs.nodeId, this.store.outcomes)
        .then(
          () => undefined,
          (err: Error) => this.logger.warn(`job ${job.id}: its failure could not be recorded: ${err.message}`),
        )
        .finally(() => this.recordings.delete(recording));
      this.recordings.add(recording);
    });
    queue.on('stalled', (job: Job<JobPayload>) =>
      this.logger.warn(`job ${job.id} stalled (its node stopped renewing the lock): delivering it again`),
    );
    queue
      .process(this.concurrency, async (job: Job<JobPayload>) => {
        this.inFlight++;
        if (this.queue === queue) this.unsettled++;
        this.lastStartedAt = Date.now();
        try {
          return await this.processor.process(job);
        } finally {
          this.inFlight--;
        }
      })
      .catch((err: Error) => {
        if (!this.stopping && this.queue === queue) this.logger.error(`the job consumer stopped: ${err.message}`);
      });
  }

  private async tick(): Promise<void> {
    const queue = this.queue;
    if (!queue || this.ticking || this.stopping) return;
    this.ticking = true;
    try {
      await this.adjustForLoad(queue);
      if (this.watchdog) await this.watch(queue);
    } catch (err) {
      this.logger.debug(`watchdog: ${(err as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  private async watch(queue: Queue<JobPayload>): Promise<void> {
    const waiting = await queue.getWaitingCount();
    const action = this.watchdog!.observe({
      now: Date.now(),
      waiting,
      inFlight: this.inFlight,
      concurrency: this.concurrency,
      paused: this.pausedForLoad,
      lastStartedAt: this.lastStartedAt,
    });
    if (action === 'none') return;
    this.logger.warn(
      `${waiting} job(s) wait but this node started none for ${this.config.jobs.watchdogMs} ms with free slots: ${action === 'kick' ? 'reconnecting its blocking Redis connection' : 'recreating its queue client'}`,
    );
    if (action === 'kick') {
      await queue.pause(true, true);
      await queue.resume(true);
    } else {
      this.queue = undefined;
      await forceClose(queue);
      if (!this.stopping) this.consume();
    }
  }

  /** Pauses taking jobs while the local device queues are deep (the /v2 path shares them). */
  private async adjustForLoad(queue: Queue<JobPayload>): Promise<void> {
    const limit = this.config.jobs.pauseQueuedJobs;
    if (limit <= 0) return;
    const queued = this.scheduler.queues().reduce((sum, q) => sum + q.queuedJobs, 0);
    if (!this.pausedForLoad && queued > limit) {
      this.pausedForLoad = true;
      this.logger.log(`local device queues hold ${queued} jobs (> ${limit}): pausing consumption`);
      void queue.pause(true).catch(() => undefined);
    } else if (this.pausedForLoad && queued <= limit / 2) {
      this.pausedForLoad = false;
      this.logger.log(`local device queues hold ${queued} jobs: resuming consumption`);
      await queue.resume(true);
    }
  }
}

/**
 * Closes a queue without waiting for its running jobs, within a bounded time even while Redis
 * hangs: then its connections are cut (what they still wait for fails, and is redelivered).
 */
async function forceClose(queue: Queue<JobPayload>): Promise<void> {
  const closing = queue.close(true).catch(() => undefined);
  if (await Promise.race([closing.then(() => true), delay(FORCED_CLOSE_MS).then(() => false)])) return;
  for (const client of queue.clients) client.disconnect();
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ServingState } from '@switchyard/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { JOB_CONSUMER, type JobConsumer } from '@switchyard/jobs';
import { SchedulerService } from '@switchyard/scheduler';
import type { DrainReport } from './drain-report.interface';

/** How often the drain looks whether the work in hand is done. */
const POLL_MS = 20;
/** After abandoning, how long the 503 answers get to leave before the app closes. */
const FLUSH_MS = 1000;
/** The longest the app's own close (HTTP server, queues, pools) may take once the work is done. */
const CLOSE_MS = 5000;

/**
 * Owns the order of a graceful shutdown (SIGTERM; Triton's and Kubernetes' conventions):
 * 1. readiness answers 503 at once, and the jobs consumer takes no more jobs (it lets its
 *    running ones finish);
 * 2. for SWITCHYARD_DRAIN_GRACE_MS new inference requests are still taken, so that load
 *    balancers see readiness fail before anyone is refused; after it they get 503 + Retry-After;
 * 3. queued and running work finishes, until SWITCHYARD_EXIT_TIMEOUT_MS from the signal: then
 *    every request still waiting is answered 503;
 * 4. the app closes (bounded: a frozen pool process does not hold the exit).
 * The caller exits the process afterwards. A second signal stops the waiting (step 3 at once).
 */
@Injectable()
export class DrainService {
  private readonly logger = new Logger(DrainService.name);
  private running?: Promise<DrainReport>;
  private hurried = false;

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly serving: ServingState,
    private readonly scheduler: SchedulerService,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Drains, then closes the app with `close`; idempotent (a second call returns the first's report). */
  shutdown(reason: string, close: () => Promise<void>): Promise<DrainReport> {
    this.running ??= this.run(reason, close);
    return this.running;
  }

  /** Stops waiting for the work in hand (a second signal): what remains is answered 503 now. */
  hurry(): void {
    this.hurried = true;
  }

  private async run(reason: string, close: () => Promise<void>): Promise<DrainReport> {
    const startedAt = Date.now();
    const { drainGraceMs, exitTimeoutMs } = this.config.shutdown;
    const deadline = startedAt + exitTimeoutMs;
    this.serving.startDraining();
    this.logger.log(
      `${reason}: draining; readiness is 503, new inference requests are taken for ${drainGraceMs} ms more, work in hand gets ${exitTimeoutMs} ms`,
    );
    const jobsStopped = this.jobsConsumer()?.stop(exitTimeoutMs) ?? Promise.resolve();

    await this.waitUntil(() => false, Math.min(startedAt + drainGraceMs, deadline));
    this.serving.refuseNew();
    this.logger.log(`new inference requests are refused (503) from now on`);

    const finished = await this.waitUntil(() => this.idle(), deadline);
    const left = this.pending();
    if (!finished) {
      this.logger.warn(
        `${left.requests} request(s) and ${left.queuedJobs} queued / ${left.runningTasks} running task(s) not done ${Date.now() - startedAt} ms after ${reason}: answering them 503 and exiting`,
      );
      this.serving.abandonWaiting();
    }
    await jobsStopped;
    await this.waitUntil(() => this.serving.inFlight === 0, Date.now() + FLUSH_MS);
    const closed = await Promise.race([close().then(() => true), delay(CLOSE_MS).then(() => false)]);
    if (!closed) this.logger.warn(`the app did not close within ${CLOSE_MS} ms: exiting anyway`);
    const report: DrainReport = { reason, finished, abandonedRequests: finished ? 0 : left.requests, closed, ms: Date.now() - startedAt };
    this.logger.log(
      `drained in ${report.ms} ms (${finished ? 'all work finished' : `${report.abandonedRequests} request(s) answered 503`})`,
    );
    return report;
  }

  private idle(): boolean {
    const left = this.pending();
    return left.requests === 0 && left.queuedJobs === 0 && left.runningTasks === 0;
  }

  private pending(): { requests: number; queuedJobs: number; runningTasks: number } {
    const queues = this.scheduler.queues();
    return {
      requests: this.serving.inFlight,
      queuedJobs: queues.reduce((n, q) => n + q.queuedJobs, 0),
      runningTasks: queues.reduce((n, q) => n + q.inFlight, 0),
    };
  }

  /** The jobs consumer (Bull or the embedded store's), on nodes that have one. */
  private jobsConsumer(): JobConsumer | undefined {
    try {
      return this.moduleRef.get<JobConsumer>(JOB_CONSUMER, { strict: false });
    } catch {
      return undefined;
    }
  }

  /** Polls `done` until it holds (true), `until` passes or the drain is hurried (false). */
  private async waitUntil(done: () => boolean, until: number): Promise<boolean> {
    while (!done()) {
      if (this.hurried || Date.now() >= until) return false;
      await delay(Math.min(POLL_MS, Math.max(1, until - Date.now())));
    }
    return true;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

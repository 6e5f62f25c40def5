import { Logger } from '@nestjs/common';
import { DeadlineExceededError, UnavailableError } from '@switchyard/common';
import type { JobDelivery } from '../interfaces/job-delivery.interface';
import type { JobProgress } from '../interfaces/job-progress.interface';
import type { JobRecord } from '../interfaces/job-record.interface';
import type { JobRunner } from '../interfaces/job-runner.interface';
import type { OutcomeStore } from '../interfaces/job-store.interface';
import type { RemoteTierWaitService } from './remote-tier-wait.service';
import { attemptError, isRetryable } from './retry-policy';

/** How long a delivery waits for a usable device (quarantined, restarting) before its attempt fails. */
const DEVICE_WAIT_MS = 60_000;
const FIRST_PAUSE_MS = 250;
const MAX_PAUSE_MS = 4000;

/** What Bull keeps as the job's return value (the result itself is in the outcome record). */
export interface JobSummary {
  node?: string;
  device?: string;
  attempt?: number;
  duplicate?: boolean;
}

/**
 * Runs one delivery of a job. Both queues deliver at least once (a job whose node stopped renewing
 * its lock, or was killed, is delivered again), so the outcome is stored with a write-once record, and a delivery
 * of a job whose outcome exists returns it without running again.
 */
export class JobProcessor {
  private readonly logger = new Logger(JobProcessor.name);

  constructor(
    private readonly runner: JobRunner,
    private readonly outcomes: OutcomeStore,
    private readonly nodeId: string,
    private readonly deviceWaitMs = DEVICE_WAIT_MS,
    private readonly remoteWait?: RemoteTierWaitService,
  ) {}

  async process(job: JobDelivery): Promise<JobSummary> {
    const id = String(job.id);
    const payload = job.data;
    const earlier = await this.outcomes.get(id);
    if (earlier) return { ...summary(earlier), duplicate: true };
    const attempt = job.attemptsMade + 1;
    const startedAt = Date.now();
    if (payload.deadlineAt !== undefined && startedAt > payload.deadlineAt) {
      job.discard();
      throw attemptError(
        new DeadlineExceededError(`the job did not start before its deadline ${new Date(payload.deadlineAt).toISOString()}`),
      );
    }
    await job.progress({ stage: 'running', node: this.nodeId, attempt, startedAt } satisfies JobProgress);
    let response;
    try {
      response = await this.runWhenADeviceIsUsable(id, payload, startedAt);
    } catch (err) {
      const retry = isRetryable(err);
      if (!retry) job.discard();
      this.logger.warn(`job ${id} attempt ${attempt} failed (${retry ? 'transient' : 'permanent'}): ${(err as Error).message}`);
      throw attemptError(err);
    }
    const record: JobRecord = {
      jobId: id,
      state: 'completed',
      model: payload.model,
      version: response.model_version ?? payload.version,
      ...(payload.tenant !== undefined ? { tenant: payload.tenant } : {}),
      node: this.nodeId,
      device: typeof response.parameters?.device === 'string' ? response.parameters.device : undefined,
      attempt,
      timings: { submittedAt: payload.submittedAt, startedAt, finishedAt: Date.now() },
      result: response,
    };
    const { stored } = await this.outcomes.store(record, payload.streamId);
    if (stored) return summary(record);
    // Another node finished this job first (it was redelivered): its outcome stands.
    this.logger.warn(`job ${id}: an outcome was already stored by another delivery; this one is dropped`);
    const kept = await this.outcomes.get(id);
    return { ...summary(kept ?? record), duplicate: true };
  }

  /**
   * Runs the job; while no device can take it (503: the node's devices are quarantined or their
   * pools restart), waits with backoff for up to `deviceWaitMs` (and never past the job's
   * deadline) instead of spending its attempts: a device that is re-admitted within seconds
   * must not fail every queued job.
   */
  private async runWhenADeviceIsUsable(id: string, payload: JobDelivery['data'], startedAt: number) {
    // routed to a remote tier (offline sync): it waits through the outage, bounded by its deadline only
    const remote = this.runner.remoteTier?.(payload);
    const until = remote ? (payload.deadlineAt ?? Infinity) : Math.min(startedAt + this.deviceWaitMs, payload.deadlineAt ?? Infinity);
    let pause = FIRST_PAUSE_MS;
    for (let tries = 1; ; tries++) {
      try {
        return await this.runner.run(payload, payload.deadlineAt !== undefined ? payload.deadlineAt - Date.now() : undefined);
      } catch (err) {
        const waits = remote ? isRetryable(err) : err instanceof UnavailableError;
        if (!waits || Date.now() + pause > until) throw err;
        if (tries === 1) {
          const upTo = Number.isFinite(until) ? `up to ${Math.round((until - Date.now()) / 1000)} s` : 'until it is back';
          this.logger.warn(`job ${id}: ${(err as Error).message}; waiting ${upTo} for ${remote ?? 'a usable device'}`);
        }
        if (remote && this.remoteWait) await this.remoteWait.wait(remote, payload.priority ?? Infinity, payload.submittedAt, pause);
        else await new Promise((resolve) => setTimeout(resolve, pause));
        pause = Math.min(pause * 2, MAX_PAUSE_MS);
      }
    }
  }
}

function summary(record: JobRecord): JobSummary {
  return { node: record.node, device: record.device, attempt: record.attempt };
}

import { Logger } from '@nestjs/common';
import { DeadlineExceededError } from '@switchyard/common';
import type { Job } from 'bull';
import type { JobPayload } from '../interfaces/job-payload.interface';
import type { JobProgress } from '../interfaces/job-progress.interface';
import type { JobRecord } from '../interfaces/job-record.interface';
import type { JobRunner } from '../interfaces/job-runner.interface';
import type { JobOutcomeStore } from '../results/job-outcome-store.adapter';
import { attemptError, isRetryable } from './retry-policy';

/** What Bull keeps as the job's return value (the result itself is in the outcome record). */
export interface JobSummary {
  node?: string;
  device?: string;
  attempt?: number;
  duplicate?: boolean;
}

/**
 * Runs one delivery of a job. Bull delivers at least once (a job whose node stopped renewing its
 * lock is delivered again), so the outcome is stored with a write-once record, and a delivery
 * of a job whose outcome exists returns it without running again.
 */
export class JobProcessor {
  private readonly logger = new Logger(JobProcessor.name);

  constructor(
    private readonly runner: JobRunner,
    private readonly outcomes: JobOutcomeStore,
    private readonly nodeId: string,
  ) {}

  async process(job: Job<JobPayload>): Promise<JobSummary> {
    const id = String(job.id);
    const payload = job.data;
    const earlier = await this.outcomes.get(id);
    if (earlier) return { ...summary(earlier), duplicate: true };
    const attempt = job.attemptsMade + 1;
    const startedAt = Date.now();
    if (payload.deadlineAt !== undefined && startedAt > payload.deadlineAt) {
      await job.discard();
      throw attemptError(new DeadlineExceededError(`the job did not start before its deadline ${new Date(payload.deadlineAt).toISOString()}`));
    }
    await job.progress({ stage: 'running', node: this.nodeId, attempt, startedAt } satisfies JobProgress);
    let response;
    try {
      response = await this.runner.run(payload, payload.deadlineAt !== undefined ? payload.deadlineAt - startedAt : undefined);
    } catch (err) {
      const retry = isRetryable(err);
      if (!retry) await job.discard();
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
}

function summary(record: JobRecord): JobSummary {
  return { node: record.node, device: record.device, attempt: record.attempt };
}

import type { Job } from 'bull';
import type { JobPayload } from '../interfaces/job-payload.interface';
import type { JobProgress } from '../interfaces/job-progress.interface';
import type { JobRecord } from '../interfaces/job-record.interface';
import type { JobOutcomeStore } from '../results/job-outcome-store.adapter';

/**
 * Writes the outcome record of a job that failed for good (no attempts left, bad input, past
 * its deadline, or stalled too often), with the reasons of every attempt. Called on Bull's
 * 'failed' event, which also fires for attempts that will be retried: those are skipped.
 */
export async function recordFinalFailure(job: Job<JobPayload>, nodeId: string, outcomes: JobOutcomeStore): Promise<boolean> {
  if ((await job.getState()) !== 'failed') return false;
  const payload = job.data;
  const progress = (typeof job.progress() === 'object' ? job.progress() : {}) as Partial<JobProgress>;
  const record: JobRecord = {
    jobId: String(job.id),
    state: 'failed',
    model: payload.model,
    version: payload.version,
    ...(payload.tenant !== undefined ? { tenant: payload.tenant } : {}),
    node: progress.node ?? nodeId,
    attempt: job.attemptsMade,
    timings: { submittedAt: payload.submittedAt, startedAt: progress.startedAt ?? job.processedOn, finishedAt: job.finishedOn ?? Date.now() },
    error: job.failedReason ?? 'unknown reason',
    errors: attemptReasons(job),
  };
  return (await outcomes.store(record, payload.streamId)).stored;
}

/** First line of each attempt's stored stack ("Name: message"). */
export function attemptReasons(job: Pick<Job, 'stacktrace' | 'failedReason'>): string[] {
  const reasons = (job.stacktrace ?? []).filter(Boolean).map((s) => s.split('\n')[0]);
  if (reasons.length === 0 && job.failedReason) reasons.push(job.failedReason);
  return reasons;
}

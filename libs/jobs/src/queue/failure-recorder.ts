import type { Job } from 'bull';
import type { JobPayload } from '../interfaces/job-payload.interface';
import type { JobRecord } from '../interfaces/job-record.interface';
import type { OutcomeStore, StoredJob } from '../interfaces/job-store.interface';

/**
 * The outcome record of a job that failed for good (no attempts left, bad input, past its
 * deadline, or stalled too often), with the reasons of every attempt.
 */
export function finalFailureRecord(id: string, job: StoredJob, nodeId: string): JobRecord {
  const payload = job.payload;
  return {
    jobId: id,
    state: 'failed',
    model: payload.model,
    version: payload.version,
    ...(payload.tenant !== undefined ? { tenant: payload.tenant } : {}),
    node: job.progress.node ?? nodeId,
    attempt: job.attemptsMade,
    timings: {
      submittedAt: payload.submittedAt,
      startedAt: job.progress.startedAt ?? job.processedOn,
      finishedAt: job.finishedOn ?? Date.now(),
    },
    error: job.failedReason ?? 'unknown reason',
    errors: job.reasons.length > 0 ? job.reasons : job.failedReason ? [job.failedReason] : [],
  };
}

/**
 * Writes the outcome record of a Bull job that failed for good. Called on Bull's 'failed' event,
 * which also fires for attempts that will be retried: those are skipped.
 */
export async function recordFinalFailure(job: Job<JobPayload>, nodeId: string, outcomes: OutcomeStore): Promise<boolean> {
  if ((await job.getState()) !== 'failed') return false;
  return (await outcomes.store(finalFailureRecord(String(job.id), storedBullJob(job, 'failed'), nodeId), job.data.streamId)).stored;
}

/** A Bull job as the store-neutral StoredJob. */
export function storedBullJob(job: Job<JobPayload>, state: StoredJob['state']): StoredJob {
  const raw: unknown = job.progress();
  return {
    payload: job.data,
    state,
    ...(job.opts.priority !== undefined ? { priority: job.opts.priority } : {}),
    attemptsMade: job.attemptsMade,
    maxAttempts: job.opts.attempts ?? 1,
    progress: raw && typeof raw === 'object' ? raw : {},
    ...(job.processedOn ? { processedOn: job.processedOn } : {}),
    ...(job.finishedOn ? { finishedOn: job.finishedOn } : {}),
    ...(job.failedReason ? { failedReason: job.failedReason } : {}),
    reasons: attemptReasons(job),
  };
}

/** First line of each attempt's stored stack ("Name: message"). */
export function attemptReasons(job: Pick<Job, 'stacktrace' | 'failedReason'>): string[] {
  const reasons = (job.stacktrace ?? []).filter(Boolean).map((s) => s.split('\n')[0]);
  if (reasons.length === 0 && job.failedReason) reasons.push(job.failedReason);
  return reasons;
}

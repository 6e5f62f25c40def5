import type { Job } from 'bull';
import type { JobPayload } from '../interfaces/job-payload.interface';
import type { JobProgress } from '../interfaces/job-progress.interface';
import type { JobRecord } from '../interfaces/job-record.interface';
import type { JobState, JobView } from '../interfaces/job-view.interface';
import { attemptReasons } from '../queue/failure-recorder';

const FINAL: readonly JobState[] = ['completed', 'failed', 'cancelled'];

/**
 * The client's view of a job from Bull's job (while it exists) and its outcome record (once
 * written; the record wins on the outcome, Bull tells the rest).
 */
export function toJobView(id: string, job: Job<JobPayload> | null, record: JobRecord | undefined, state: JobState): JobView {
  const data = job?.data;
  const raw = job?.progress() as unknown;
  const progress = (raw && typeof raw === 'object' ? raw : {}) as Partial<JobProgress>;
  const final = FINAL.includes(state);
  const submittedAt = record?.timings.submittedAt ?? data?.submittedAt ?? job?.timestamp ?? 0;
  const startedAt = record?.timings.startedAt ?? progress.startedAt ?? (state === 'active' ? job?.processedOn : undefined);
  const finishedAt = record?.timings.finishedAt ?? (final ? job?.finishedOn : undefined);
  const version = record?.version ?? data?.version;
  const deadlineAt = data?.deadlineAt;
  const node = record?.node ?? progress.node;
  const errors = record?.errors ?? (job && job.attemptsMade > 0 ? attemptReasons(job) : undefined);
  const error = record?.error ?? (state === 'failed' ? job?.failedReason : undefined);
  return {
    id,
    state,
    model_name: record?.model ?? data?.model ?? 'unknown',
    ...(version !== undefined ? { model_version: version } : {}),
    ...(job?.opts.priority !== undefined ? { priority: job.opts.priority } : {}),
    ...(deadlineAt !== undefined ? { deadline_at: iso(deadlineAt) } : {}),
    progress: final ? { stage: 'done', percent: 100 } : state === 'active' ? { stage: 'running', percent: 50 } : { stage: 'queued', percent: 0 },
    attempts: record?.attempt ?? job?.attemptsMade ?? 0,
    max_attempts: job?.opts.attempts ?? 1,
    ...(node !== undefined ? { node } : {}),
    ...(record?.device !== undefined ? { device: record.device } : {}),
    timings: {
      submitted_at: iso(submittedAt),
      ...(startedAt !== undefined ? { started_at: iso(startedAt), queue_ms: startedAt - submittedAt } : {}),
      ...(finishedAt !== undefined ? { finished_at: iso(finishedAt) } : {}),
      ...(finishedAt !== undefined && startedAt !== undefined ? { run_ms: finishedAt - startedAt } : {}),
    },
    ...(record?.result !== undefined ? { result: record.result } : {}),
    ...(error !== undefined ? { error } : {}),
    ...(errors !== undefined && errors.length > 0 ? { errors } : {}),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

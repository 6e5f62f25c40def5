import type { JobRecord } from '../interfaces/job-record.interface';
import type { StoredJob } from '../interfaces/job-store.interface';
import type { JobState, JobView } from '../interfaces/job-view.interface';

const FINAL: readonly JobState[] = ['completed', 'failed', 'cancelled'];

/**
 * The client's view of a job from the queue's job (while it exists) and its outcome record (once
 * written; the record wins on the outcome, the queue tells the rest).
 */
export function toJobView(id: string, job: StoredJob | undefined, record: JobRecord | undefined, state: JobState): JobView {
  const data = job?.payload;
  const progress = job?.progress ?? {};
  const final = FINAL.includes(state);
  const submittedAt = record?.timings.submittedAt ?? data?.submittedAt ?? 0;
  const startedAt = record?.timings.startedAt ?? progress.startedAt ?? (state === 'active' ? job?.processedOn : undefined);
  const finishedAt = record?.timings.finishedAt ?? (final ? job?.finishedOn : undefined);
  const version = record?.version ?? data?.version;
  const deadlineAt = data?.deadlineAt;
  const node = record?.node ?? progress.node;
  const errors = record?.errors ?? (job && job.attemptsMade > 0 ? job.reasons : undefined);
  const error = record?.error ?? (state === 'failed' ? job?.failedReason : undefined);
  return {
    id,
    state,
    model_name: record?.model ?? data?.model ?? 'unknown',
    ...(version !== undefined ? { model_version: version } : {}),
    ...(job?.priority !== undefined ? { priority: job.priority } : {}),
    ...(deadlineAt !== undefined ? { deadline_at: iso(deadlineAt) } : {}),
    progress: final
      ? { stage: 'done', percent: 100 }
      : state === 'active'
        ? { stage: 'running', percent: 50 }
        : { stage: 'queued', percent: 0 },
    attempts: record?.attempt ?? job?.attemptsMade ?? 0,
    max_attempts: job?.maxAttempts ?? 1,
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

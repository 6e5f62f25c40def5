import type { JobPayload } from '../interfaces/job-payload.interface';
import type { StoredJob } from '../interfaces/job-store.interface';

/** A row of the jobs table. */
export interface SqliteJobRow {
  id: string;
  state: 'waiting' | 'active' | 'completed' | 'failed';
  priority: number;
  run_at: number;
  payload: string;
  attempts_made: number;
  max_attempts: number;
  stalls: number;
  progress: string | null;
  reasons: string;
  processed_on: number | null;
  finished_on: number | null;
  failed_reason: string | null;
}

/** A row as the store-neutral StoredJob; a waiting job whose retry is not yet due is "delayed". */
export function toStoredJob(row: SqliteJobRow, now = Date.now()): StoredJob {
  return {
    payload: JSON.parse(row.payload) as JobPayload,
    state: row.state === 'waiting' && row.run_at > now ? 'delayed' : row.state,
    priority: row.priority,
    attemptsMade: row.attempts_made,
    maxAttempts: row.max_attempts,
    progress: row.progress ? (JSON.parse(row.progress) as StoredJob['progress']) : {},
    ...(row.processed_on !== null ? { processedOn: row.processed_on } : {}),
    ...(row.finished_on !== null ? { finishedOn: row.finished_on } : {}),
    ...(row.failed_reason !== null ? { failedReason: row.failed_reason } : {}),
    reasons: JSON.parse(row.reasons) as string[],
  };
}

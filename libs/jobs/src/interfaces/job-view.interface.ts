/** States a job reports: the queue's while it is queued or running, then its outcome record's. */
export type JobState = 'waiting' | 'delayed' | 'paused' | 'active' | 'completed' | 'failed' | 'cancelled';

/** GET /v1/jobs/{id}: the job as clients see it (JSON field names in snake_case, times ISO 8601). */
export interface JobView {
  id: string;
  state: JobState;
  model_name: string;
  model_version?: string;
  /** Queue priority (1 is the highest). */
  priority?: number;
  deadline_at?: string;
  progress: { stage: 'queued' | 'running' | 'done'; percent: number };
  /** Attempts made so far (failed ones included) and the most allowed. */
  attempts: number;
  max_attempts: number;
  node?: string;
  device?: string;
  timings: { submitted_at: string; started_at?: string; finished_at?: string; queue_ms?: number; run_ms?: number };
  /** The KServe v2 inference response, when completed. */
  result?: Record<string, unknown>;
  error?: string;
  /** Reasons of the failed attempts, oldest first. */
  errors?: string[];
}

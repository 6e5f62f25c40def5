/** A job as GET /v1/jobs/{id} shows it (docs/jobs.md). */
export interface JobView {
  id: string;
  state: 'waiting' | 'delayed' | 'paused' | 'active' | 'completed' | 'failed' | 'cancelled';
  model_name: string;
  model_version?: string;
  priority?: number;
  deadline_at?: string;
  progress: { stage: 'queued' | 'running' | 'done'; percent: number };
  attempts: number;
  max_attempts: number;
  node?: string;
  device?: string;
  timings: { submitted_at: string; started_at?: string; finished_at?: string; queue_ms?: number; run_ms?: number };
  /** The KServe v2 inference response (JSON tensors), when completed. */
  result?: {
    model_name: string;
    model_version: string;
    outputs: { name: string; datatype: string; shape: number[]; data: unknown[] }[];
    [key: string]: unknown;
  };
  error?: string;
  errors?: string[];
}

export const FINAL_JOB_STATES: ReadonlySet<JobView['state']> = new Set(['completed', 'failed', 'cancelled']);

/** A POST /v1/jobs body: one request (model_name + a /v2 infer body) or {"requests": [...]}. */
export type JobSubmission = Record<string, unknown>;

export interface JobsAccepted {
  jobIds: string[];
  replayed: boolean;
}

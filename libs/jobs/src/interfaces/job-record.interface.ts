/** The end states a job's outcome record can hold. */
export type FinalJobState = 'completed' | 'failed' | 'cancelled';

/**
 * The outcome of one job, written to the store exactly once (SET NX on Redis, a primary key on
 * SQLite): when a job runs twice (a redelivery after a lock was lost, or a restart), the second
 * write is refused and its result dropped.
 * Kept for the configured result TTL.
 */
export interface JobRecord {
  jobId: string;
  state: FinalJobState;
  model: string;
  version?: string;
  /** Tenant that submitted the job (absent when auth is off). */
  tenant?: string;
  /** Node that produced the outcome. */
  node?: string;
  /** Device that ran the inference (from the response's parameters). */
  device?: string;
  /** 1-based attempt that produced it. */
  attempt?: number;
  /** Epoch ms. */
  timings: { submittedAt: number; startedAt?: number; finishedAt: number };
  /** The KServe v2 inference response (JSON). */
  result?: Record<string, unknown>;
  /** Why it failed (the last attempt's reason). */
  error?: string;
  /** Reasons of every failed attempt, oldest first. */
  errors?: string[];
}
